# How local service processes are started and asked, sourced by scripts/devnet.sh and scripts/bench-startup.sh.

# Sized for a laptop running many of them: a heap that starts small (the default initial heap is 1/64
# of the machine's memory, 384 MB here, and was most of an idle node's 380 MB RSS) and grows to 256 MB,
# freed native memory handed back every 5 s, and glibc kept to two malloc arenas.
# The heap's free share after a full collection is kept between 20% and 40% and a heap larger than that
# shrinks at once (Serial's defaults, 40% to 70% and shrinking a step per collection, let it stay at
# three times what is live): in ./tallynet bench-flood, with about 100 MB live, the heap left committed
# after each full collection went from about 370 MB (all of -Xmx384m) to 220-300 MB (the peak between
# full collections, which promotion drives, moved much less: README "Flood").
JVM_OPTIONS=(-XX:+UseSerialGC -Xms16m -Xmx256m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 -XX:-ShrinkHeapInSteps
  -XX:TrimNativeHeapInterval=5000)
export MALLOC_ARENA_MAX=2

# The devnet's JIT for the tracker and the nodes that do not mine: C1 only (TieredStopAtLevel=1). On two
# cores a service's start competes with its own profiling code and C2 compiler thread: with C1 only a
# node is healthy in 2.2 s instead of 3.2 s, the tracker in 2.1 s instead of 3.1 s (./tallynet
# bench-startup). The price is peak speed, which these processes do not need: SHA-256 runs about 10
# times slower without C2's intrinsic, Ed25519 checks about 20% slower. The miner, the benchmarks and
# the container images use the full JIT; TALLYNET_JAVA_OPTIONS=-XX:TieredStopAtLevel=4 gives it to all.
DEVNET_JIT=(-XX:TieredStopAtLevel=1)

# TALLYNET_JAVA_OPTIONS (as in the compose file): the user's own options, given last so that they win
read -r -a USER_JAVA_OPTIONS <<<"${TALLYNET_JAVA_OPTIONS:-}"

# Fast start, in two parts that work together (./tallynet bench-startup measures each):
# - Spring AOT: the build worked out the bean definitions and repositories (root pom, process-aot);
#   -Dspring.aot.enabled=true uses them instead of scanning and evaluating at start.
# - The JDK's AOT cache (JEP 483/514/515): classes loaded and linked, and method profiles, recorded by
#   one training run: a node syncing from another, a tracker answering (train_node_by_sync,
#   train_tracker_by_run), or, should that fail, a start that stops once the Spring context is
#   refreshed. Made once per build, beside the jar it belongs to (the cache is tied to that class
#   path); a failed training run leaves none, and the service then starts without one.
#   ArchiveRelocationMode=0 maps it at the address it was made for instead of a random one: relocating
#   rewrote its pointers, which made about 50 MB of it private to each process; mapped as made, those
#   pages stay shared by every service on the machine.
SPRING_AOT=(-Dspring.aot.enabled=true)

aot_cache_for() { # jar -> the cache path
  echo "${1%/app.jar}/app.aot"
}

fast_start_options() { # jar -> prints the options, one per line, for a fast start of that jar
  printf '%s\n' "${SPRING_AOT[@]}"
  if [ -f "$(aot_cache_for "$1")" ]; then
    printf '%s\n' "-XX:AOTCache=$(aot_cache_for "$1")" -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0
  fi
}

train_aot_cache() { # jar (run as a background job by ensure_aot_caches, which stops it with SIGTERM)
  local jar="$1" cache scratch training
  cache=$(aot_cache_for "$jar")
  training="${cache%.aot}.training.aot" # what a training JVM writes as it exits, moved to the cache once whole
  scratch=$(mktemp -d)
  # stopped: the JVMs it started stop too (a background job's children ignore SIGINT, so Ctrl-C alone would
  # leave them training), and nothing half-made is kept; the next start trains again
  TRAINING_PIDS=() # every JVM this training starts (the function runs in a subshell of its own: not shared)
  # SIGINT ignored outright: bash ignores it for a background job, but gives a command substitution (http_get)
  # its default back, and a child dying of SIGINT takes this shell down with it, before the trap below could
  # stop its JVMs
  trap '' INT
  # SIGKILL, not SIGTERM: a JVM given -XX:AOTCacheOutput writes its cache as it exits on SIGTERM too, and hands
  # the writing to a JVM of its own that outlives it; what a stopped training would have made is not wanted
  trap 'kill -KILL "${TRAINING_PIDS[@]}" 2>/dev/null; wait "${TRAINING_PIDS[@]}" 2>/dev/null || true
        rm -rf "$scratch" "$scratch.log" "$training"*; exit 143' TERM
  rm -f "$training"
  local run="" failed
  case "$jar" in
    *node-service/*) run=train_node_by_sync failed="the node's training sync failed" ;;
    *tracker-service/*) run=train_tracker_by_run failed="the tracker's training run failed" ;;
  esac
  if [ -n "$run" ]; then
    if "$run" "$jar" "$training" "$scratch" && mv "$training" "$cache"; then
      rm -rf "$scratch" "$scratch.log"
      return
    fi
    mv "$scratch.log" "$scratch.run.log" 2>/dev/null || true # a caller's set -e must not end the fallback
    echo "$failed (see $scratch.run.log); its cache is trained by a start alone" >&2
    TRAINING_PIDS=() # stopped and reaped: their pids may be another process's by now
  fi
  # a background job waited for, so that SIGTERM's trap runs at once, not after the JVM has exited
  java "${JVM_OPTIONS[@]}" "${SPRING_AOT[@]}" -XX:AOTCacheOutput="$training" -Dspring.context.exit=onRefresh \
       -jar "$jar" --server.port=0 --server.address=127.0.0.1 --tallynet.data-dir="$scratch" >"$scratch.log" 2>&1 &
  TRAINING_PIDS+=($!)
  if wait $! && mv "$training" "$cache"; then
    rm -rf "$scratch" "$scratch.log"
  else
    echo "the start-up cache for $jar could not be made (see $scratch.log); starting without it" >&2
    rm -f "$cache" "$training"*
  fi
}

# The node's cache is trained by more than its start: a node started for training syncs 2,000 empty
# blocks from a second one over loopback, then stops, and the cache keeps the classes and method
# profiles of receiving, checking and storing blocks too. A new member then syncs about 1.4 times as fast
# (fresh members from one source: 430 to 660 blocks/s against 400 with the cache of a start alone, 347 to
# 461 with none; README "Start-up and footprint"), and starts as fast. It costs the training about 25 s
# more. Anything going wrong falls back to the start-only training.
TRAINING_BLOCKS=2000
train_node_by_sync() { # jar training scratch -> 0 once the trainee has written its cache to training
  local jar="$1" training="$2" scratch="$3" token="aot-training-$RANDOM$RANDOM$RANDOM" source=0 trainee=0 port member tip made
  local deadline=$((SECONDS + 240)) options=(--server.address=127.0.0.1 --tallynet.api.address=127.0.0.1
    --tallynet.chain.preset=easy --tallynet.mining.enabled=false --tallynet.api.token="$token")
  port=$(free_port) || return 1
  java "${JVM_OPTIONS[@]}" "${SPRING_AOT[@]}" -jar "$jar" "${options[@]}" --server.port="$port" \
    --tallynet.api.port=$((port + 1000)) --tallynet.data-dir="$scratch/source" >"$scratch.log" 2>&1 & source=$!
  TRAINING_PIDS+=("$source")
  training_healthy "$port" "$source" "$deadline" || return 1
  for ((made = 0; made < TRAINING_BLOCKS; made += 1000)); do
    http_post $((port + 1000)) /api/blocks/generate "$token" '{"count":1000}' >/dev/null || { stop_training "$source"; return 1; }
  done
  member=$(free_port) || { stop_training "$source"; return 1; }
  java "${JVM_OPTIONS[@]}" "${SPRING_AOT[@]}" -XX:AOTCacheOutput="$training" -jar "$jar" "${options[@]}" \
    --server.port="$member" --tallynet.api.port=$((member + 1000)) --tallynet.data-dir="$scratch/member" \
    --tallynet.peers.seeds=127.0.0.1:"$port" >>"$scratch.log" 2>&1 & trainee=$!
  TRAINING_PIDS+=("$trainee")
  until tip=$(http_get $((member + 1000)) /api/chain) && [[ "$tip" =~ \"height\":([0-9]+) ]] \
      && ((BASH_REMATCH[1] >= TRAINING_BLOCKS)); do
    if ! kill -0 "$trainee" 2>/dev/null || ((SECONDS > deadline)); then stop_training "$trainee" "$source"; return 1; fi
    sleep 0.5
  done
  stop_training "$trainee" "$source" # the trainee's JVM writes the cache as it exits
  [ -s "$training" ]
}

# The tracker's cache is trained by a run too: a tracker started for training is asked what a devnet's is asked
# first (its health, its members, its metrics), then stopped, and the cache keeps what runs once its context is
# refreshed as well: the members loaded at start (Hibernate's query parser), Tomcat's first answers. Trained by
# its start alone, a tracker still loaded about 1,950 classes from its jars at every start (README "Start-up and
# footprint"). Anything going wrong falls back to the start-only training.
train_tracker_by_run() { # jar training scratch -> 0 once the tracker has written its cache to training
  local jar="$1" training="$2" scratch="$3" port tracker deadline=$((SECONDS + 120))
  port=$(free_port) || return 1
  java "${JVM_OPTIONS[@]}" "${SPRING_AOT[@]}" -XX:AOTCacheOutput="$training" -jar "$jar" --server.port="$port" \
    --server.address=127.0.0.1 --tallynet.api.address=127.0.0.1 --tallynet.api.port=$((port + 1000)) \
    --tallynet.data-dir="$scratch/tracker" >"$scratch.log" 2>&1 & tracker=$!
  TRAINING_PIDS+=("$tracker")
  training_healthy "$port" "$tracker" "$deadline" || return 1
  if ! http_get $((port + 1000)) /api/members >/dev/null || ! http_get $((port + 1000)) /actuator/prometheus >/dev/null; then
    stop_training "$tracker"
    return 1
  fi
  stop_training "$tracker" # its JVM writes the cache as it exits
  [ -s "$training" ]
}

training_healthy() { # port pid deadline -> 0 once the training JVM answers its health; 1, the JVM stopped, if it
  # exited or the deadline (in SECONDS) passed first
  until http_get $(($1 + 1000)) /actuator/health >/dev/null; do
    if ! kill -0 "$2" 2>/dev/null || ((SECONDS > $3)); then stop_training "$2"; return 1; fi
    sleep 0.2
  done
}

stop_training() { # pid... : SIGTERM, then SIGKILL to what is still running a minute later
  local pid waited
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "$@"; do
    for ((waited = 0; waited < 120; waited++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  return 0
}

free_port() { # [count] -> a port p below the ephemeral range with nothing listening on p..p+count, nor 1000 above (API ports)
  local port i try
  for try in {1..50}; do
    port=$((20000 + RANDOM % (10000 - ${1:-0})))
    for ((i = 0; i <= ${1:-0}; i++)); do
      (exec 3<>"/dev/tcp/127.0.0.1/$((port + i))") 2>/dev/null && continue 2
      (exec 3<>"/dev/tcp/127.0.0.1/$((port + 1000 + i))") 2>/dev/null && continue 2
    done
    echo "$port"
    return 0
  done
  echo "no free port found between 20000 and 31000" >&2
  return 1
}

stop_trainings() { # pid... : the trainings of ensure_aot_caches, each stopping its own JVMs on SIGTERM
  echo "stopping the start-up cache training..." >&2
  kill -TERM "$@" 2>/dev/null
  wait "$@" || true
}

newer_source() { # jar module... -> the first pom.xml or main source of the build or these modules newer than the jar
  local jar="$1" paths=(pom.xml) module; shift
  for module in "$@"; do
    paths+=("$module/pom.xml" "$module/src/main") # what goes into the jars: test sources do not
  done
  find "${paths[@]}" -type f -newer "$jar" -print -quit
}

ensure_aot_caches() { # jar... : trains, in parallel, every cache missing or older than its jar
  local jar training=()
  for jar in "$@"; do
    if [ ! -f "$(aot_cache_for "$jar")" ] || [ "$(aot_cache_for "$jar")" -ot "$jar" ]; then
      train_aot_cache "$jar" & training+=($!)
    fi
  done
  if [ ${#training[@]} -gt 0 ]; then
    echo "making the JVM start-up cache for this build (once; about 45 s, longer on a busy machine)..."
    # Ctrl-C reaches this script but not the trainings (background jobs ignore SIGINT): they are stopped here,
    # JVMs and all, before the script ends
    trap 'stop_trainings "${training[@]}"; exit 130' INT
    trap 'stop_trainings "${training[@]}"; exit 143' TERM
    wait "${training[@]}" || true
    trap - INT TERM
  fi
}

# Seconds an HTTP exchange below may wait for each line of an answer: a JVM that accepts and never answers
# (stuck, or a port taken by something else) must not hold a training or the devnet's readiness wait until
# its own deadline. Generous: generating 1,000 blocks on a busy machine answers in tens of seconds.
HTTP_ANSWER_TIMEOUT=${HTTP_ANSWER_TIMEOUT:-120}

# One HTTP/1.0 exchange on 127.0.0.1 with bash alone (the devnet needs nothing beyond a JDK and Maven, not even
# curl, nor coreutils' timeout): sends the request, prints the body, fails unless the answer is 200
http_exchange() { # port request
  local response
  response=$(exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$1" && printf '%s' "$2" >&3 && read_answer <&3) || return 1
  [[ "$response" == "HTTP/1."?" 200"* ]] || return 1
  printf '%s\n' "${response#*$'\r\n\r\n'}"
}

read_answer() { # an answer on stdin, printed as it came; fails if a line takes longer than HTTP_ANSWER_TIMEOUT
  local line status
  while true; do
    IFS= read -r -t "$HTTP_ANSWER_TIMEOUT" line
    status=$?
    if ((status == 0)); then
      printf '%s\n' "$line"
    elif ((status > 128)); then
      return 1 # timed out: a silent server, not the end of its answer
    else
      printf '%s' "$line" # the end, after a last line without a newline, if any
      return 0
    fi
  done
}

# HTTP POST of a JSON body with the API token; fails unless the answer is 200
http_post() { # port path token body
  local request # printf -v, not $(...): a command substitution drops the request's final newline
  printf -v request 'POST %s HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$2" "$3" "${#4}" "$4"
  http_exchange "$1" "$request" >/dev/null
}

# HTTP GET: prints the body, fails unless the answer is 200
http_get() { # port path
  local request
  printf -v request 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2"
  http_exchange "$1" "$request"
}
