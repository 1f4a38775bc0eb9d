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
#   one training run that stops as soon as the Spring context is refreshed. Made once per build,
#   beside the jar it belongs to (the cache is tied to that class path); a failed training run leaves
#   none, and the service then starts without one. ArchiveRelocationMode=0 maps it at the address it
#   was made for instead of a random one: relocating rewrote its pointers, which made about 50 MB of it
#   private to each process; mapped as made, those pages stay shared by every service on the machine.
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

train_aot_cache() { # jar
  local jar="$1" cache scratch
  cache=$(aot_cache_for "$jar")
  scratch=$(mktemp -d)
  if java "${JVM_OPTIONS[@]}" "${SPRING_AOT[@]}" -XX:AOTCacheOutput="$cache" -Dspring.context.exit=onRefresh -jar "$jar" \
       --server.port=0 --server.address=127.0.0.1 --tallynet.data-dir="$scratch" >"$scratch.log" 2>&1; then
    rm -rf "$scratch" "$scratch.log"
  else
    echo "the start-up cache for $jar could not be made (see $scratch.log); starting without it" >&2
    rm -f "$cache"
  fi
}

ensure_aot_caches() { # jar... : trains, in parallel, every cache missing or older than its jar
  local jar training=()
  for jar in "$@"; do
    if [ ! -f "$(aot_cache_for "$jar")" ] || [ "$(aot_cache_for "$jar")" -ot "$jar" ]; then
      train_aot_cache "$jar" & training+=($!)
    fi
  done
  if [ ${#training[@]} -gt 0 ]; then
    echo "making the JVM start-up cache for this build (once; about 20 s, longer on a busy machine)..."
    wait "${training[@]}" || true
  fi
}

# HTTP GET on 127.0.0.1 with bash alone (the devnet needs nothing beyond a JDK and Maven, not even curl):
# prints the body, fails unless the answer is 200
http_get() { # port path
  local response
  response=$(exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$1" \
    && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 && cat <&3) || return 1
  [[ "$response" == "HTTP/1."?" 200"* ]] || return 1
  printf '%s\n' "${response#*$'\r\n\r\n'}"
}
