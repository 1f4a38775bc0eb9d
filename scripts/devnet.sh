#!/usr/bin/env bash
# A local Tallynet devnet: one tracker (or up to three) and N nodes as plain Java processes on 127.0.0.1, each with
# its own H2 data directory under ./devnet. Run through ./tallynet devnet (which finds JDK 25).
# Ctrl-C stops everything; running it again resumes the same chain from the same directories.
set -euo pipefail
cd "$(dirname "$0")/.."

NODES=3
TRACKERS=1
FRESH=false
BASE_PORT=8080
DIR=devnet
usage() {
  cat <<USAGE
usage: ./tallynet devnet [--nodes N] [--trackers T] [--fresh] [--base-port P] [--dir D]
  --nodes N       number of nodes (default 3); node 1 mines
  --trackers T    number of trackers (1 to 3, default 1); every node registers with each, so the
                  network keeps running, and newcomers keep joining, while one is down
  --fresh         delete the devnet's data first (a new chain)
  --base-port P   P2P ports: tracker on P, nodes on P+1..P+N, further trackers on P+N+1.. (default
                  8080); their API ports (REST, dashboards, actuator) are 1000 above: P+1000, ...
  --dir D         where data and logs go (default ./devnet)
USAGE
}
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) NODES="$2"; shift 2 ;;
    --trackers) TRACKERS="$2"; shift 2 ;;
    --fresh) FRESH=true; shift ;;
    --base-port) BASE_PORT="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "devnet: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$NODES" =~ ^[1-9][0-9]?$ ]] || { echo "devnet: --nodes takes 1 to 99" >&2; exit 2; }
[[ "$TRACKERS" =~ ^[1-3]$ ]] || { echo "devnet: --trackers takes 1 to 3" >&2; exit 2; }
LAST_PORT=$((BASE_PORT + NODES + TRACKERS - 1))
# each process has a P2P port (server.port: only /p2p, what peers and the tracker dial) and, 1000 above
# it, an API port on loopback (REST, the dashboard, actuator); the tracker's network map expects that
# offset (tallynet.dashboard.member-api-port-offset)
API_OFFSET=1000
[[ "$BASE_PORT" =~ ^[0-9]+$ ]] && [ "$BASE_PORT" -ge 1024 ] && [ $((LAST_PORT + API_OFFSET)) -le 65535 ] \
  || { echo "devnet: --base-port must leave room for $NODES nodes, $TRACKERS trackers and their API ports (+$API_OFFSET) between 1024 and 65535" >&2; exit 2; }
api_port() { echo $(($1 + API_OFFSET)); }

for port in $(seq "$BASE_PORT" "$LAST_PORT") $(seq $((BASE_PORT + API_OFFSET)) $((LAST_PORT + API_OFFSET))); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "devnet: port $port on 127.0.0.1 is already in use (another devnet?); try --base-port" >&2
    exit 1
  fi
done

app_jar() { # module -> the app.jar the build extracted for it (target/app/, see the root pom), or nothing
  ls "$1/target/app/app.jar" 2>/dev/null || true
}
# Maven takes a minute even when nothing changed: build only when a pom or source the services are
# made from is newer than the older of the two jars (a fresh clone has no jars, so it builds)
why_build() {
  local tracker node oldest newer
  tracker=$(app_jar tracker-service); node=$(app_jar node-service)
  if [ -z "$tracker" ] || [ -z "$node" ]; then
    echo "no service jars yet"; return
  fi
  oldest="$tracker"; [ "$node" -ot "$oldest" ] && oldest="$node"
  newer=$(newer_source "$oldest" protocol p2p tracker-service node-service)
  [ -z "$newer" ] || echo "$newer is newer than $oldest"
}
# shellcheck source=scripts/service-jvm.sh
. scripts/service-jvm.sh
STARTED_AT=$SECONDS
reason=$(why_build)
if [ -n "$reason" ]; then
  echo "devnet: building (mvn package, tests skipped): $reason..."
  mvn -B -ntp -q -Dstyle.color=never -DskipTests package -pl tracker-service,node-service -am
else
  echo "devnet: the service jars are up to date with their sources; not building"
fi
TRACKER_JAR="$PWD/$(app_jar tracker-service)"
NODE_JAR="$PWD/$(app_jar node-service)"

ensure_aot_caches "$TRACKER_JAR" "$NODE_JAR"

$FRESH && rm -rf "$DIR"
mkdir -p "$DIR"
# one API token per devnet, kept with its data, for the spending endpoints (POST /api/...)
if [ ! -s "$DIR/api-token" ]; then
  (umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$DIR/api-token")
fi
TOKEN=$(cat "$DIR/api-token")
declare -A PID_OF=() # name -> pid of every process started
# the terminal, for what stop_all says: a trap runs wherever the script was, maybe in a function whose
# output goes to /dev/null (wait_healthy's probe)
exec {TERMINAL}>&1
STOP_TIMEOUT=60
stop_all() {
  # a second Ctrl-C while stopping must not end the script before its processes have: they would be
  # left running, holding the ports and the H2 files of the next start
  trap '' INT TERM
  trap - EXIT
  echo >&"$TERMINAL"
  echo "devnet: stopping ${#PID_OF[@]} processes..." >&"$TERMINAL"
  kill "${PID_OF[@]}" 2>/dev/null || true
  wait "${PID_OF[@]}" 2>/dev/null || true
  # wait returns for children only; make sure each process is gone, whatever bash thought of it
  local name deadline=$((SECONDS + STOP_TIMEOUT))
  for name in "${!PID_OF[@]}"; do
    while kill -0 "${PID_OF[$name]}" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then
        echo "devnet: $name (pid ${PID_OF[$name]}) did not stop within $STOP_TIMEOUT s of SIGTERM; killing it (see $DIR/$name.log)" >&"$TERMINAL"
        kill -KILL "${PID_OF[$name]}" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  done
  echo "devnet: stopped. Data kept in $DIR (use --fresh to start a new chain)." >&"$TERMINAL"
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

start() { # name port jar jit(quick|full) [spring args...]
  local name="$1" port="$2" jar="$3" jit=() fast=(); shift 3
  [ "$1" = quick ] && jit=("${DEVNET_JIT[@]}"); shift
  mkdir -p "$DIR/$name"
  mapfile -t fast < <(fast_start_options "$jar")
  java "${JVM_OPTIONS[@]}" "${fast[@]}" ${jit[@]+"${jit[@]}"} ${USER_JAVA_OPTIONS[@]+"${USER_JAVA_OPTIONS[@]}"} -jar "$jar" \
    --server.port="$port" --server.address=127.0.0.1 \
    --tallynet.api.port="$(api_port "$port")" --tallynet.api.address=127.0.0.1 \
    --tallynet.data-dir="$DIR/$name" "$@" >"$DIR/$name.log" 2>&1 &
  PID_OF[$name]=$!
  echo "devnet: started $name (pid $!), P2P on 127.0.0.1:$port, API on 127.0.0.1:$(api_port "$port"), log $DIR/$name.log"
}

# Four JVMs starting at once take well over a minute on a busy 2-core machine; the deadline is only for a
# process that hangs, since one that dies is noticed at once
READY_TIMEOUT=300
wait_healthy() { # name P2P-port
  local deadline=$((SECONDS + READY_TIMEOUT)) pid=${PID_OF[$1]}
  until http_get "$(api_port "$2")" /actuator/health/readiness >/dev/null; do
    # a process that died will not become ready: say so now, not after the deadline
    if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      if kill -0 "$pid" 2>/dev/null; then
        echo "devnet: $1 did not become ready within $READY_TIMEOUT s; last log lines:" >&2
      else
        echo "devnet: $1 exited during start; last log lines:" >&2
      fi
      tail -20 "$DIR/$1.log" >&2
      # the cause is usually logged once, far above the stack trace's end
      echo "devnet: the first warnings and errors in $DIR/$1.log:" >&2
      grep -m 3 -E '^[0-9TZ:.-]+ +(WARN|ERROR) ' "$DIR/$1.log" | cut -c1-400 >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}
# the trackers: "tracker" on the base port, "tracker2", "tracker3" after the nodes' ports
TRACKER_NAMES=(tracker)
TRACKER_PORTS=("$BASE_PORT")
for ((t = 2; t <= TRACKERS; t++)); do
  TRACKER_NAMES+=("tracker$t")
  TRACKER_PORTS+=($((BASE_PORT + NODES + t - 1)))
done
TRACKER_URLS=$(printf 'ws://127.0.0.1:%s/p2p,' "${TRACKER_PORTS[@]}")
TRACKER_URLS=${TRACKER_URLS%,}
# every node listens on 127.0.0.1, one netgroup: the rule of one outbound peer per netgroup is lifted
start_node() { # i
  local port=$((BASE_PORT + $1)) mining=false jit=quick
  # the miner gets the full JIT: without C2's SHA-256 intrinsic it would hash about 10 times slower
  [ "$1" -eq 1 ] && mining=true && jit=full
  start "node$1" "$port" "$NODE_JAR" "$jit" \
    --tallynet.tracker.urls="$TRACKER_URLS" \
    --tallynet.advertised-host=127.0.0.1 --tallynet.advertised-port="$port" \
    --tallynet.mining.enabled="$mining" --tallynet.api.token="$TOKEN" \
    --tallynet.peers.max-outbound-per-netgroup=8
}
# Started in waves, not all at once: a JVM's start is CPU-bound, and twenty of them together on two
# cores each take minutes; a few at a time, each wave ready before the next, is faster in total.
# The trackers start with the first wave: a node that finds one not yet listening retries in 1 s, 2 s...
# The miner, node1, starts in the last wave: its mining thread takes a whole core from then on.
echo "devnet: dashboards (live once their process is ready; the send form takes the API token in $DIR/api-token):"
for ((t = 0; t < TRACKERS; t++)); do
  printf '  %-8s http://127.0.0.1:%s/\n' "${TRACKER_NAMES[t]}" "$(api_port "${TRACKER_PORTS[t]}")"
done
echo "  node1    http://127.0.0.1:$(api_port $((BASE_PORT + 1)))/   (the miner; node2.. at the next ports)"
WAVE=4
ORDER=($(seq 2 "$NODES") 1)
for ((t = 0; t < TRACKERS; t++)); do start "${TRACKER_NAMES[t]}" "${TRACKER_PORTS[t]}" "$TRACKER_JAR" quick; done
for ((first = 0; first < NODES; first += WAVE)); do
  wave=("${ORDER[@]:first:WAVE}")
  for i in "${wave[@]}"; do start_node "$i"; done
  if [ "$first" -eq 0 ]; then
    for ((t = 0; t < TRACKERS; t++)); do wait_healthy "${TRACKER_NAMES[t]}" "${TRACKER_PORTS[t]}"; done
  fi
  for i in "${wave[@]}"; do wait_healthy "node$i" $((BASE_PORT + i)); done
  echo "devnet: $((first + ${#wave[@]})) of $NODES nodes ready ($((SECONDS - STARTED_AT)) s)"
done

# connected: every node has every other node as a peer (at most 8 outbound, so only for small devnets)
node_peers() { # P2P port -> number of established node peers
  { http_get "$(api_port "$1")" /api/peers || true; } | grep -o '"role":"node"' | wc -l
}
want=$((NODES - 1)); [ "$want" -gt 8 ] && want=8
deadline=$((SECONDS + 60))
for i in $(seq 1 "$NODES"); do
  until [ "$(node_peers $((BASE_PORT + i)))" -ge "$want" ]; do
    if [ $SECONDS -ge $deadline ]; then
      echo "devnet: node$i has $(node_peers $((BASE_PORT + i))) of $want peers after 60 s; continuing (see $DIR/node$i.log)" >&2
      break
    fi
    sleep 0.3
  done
done

echo
echo "devnet: all $((NODES + TRACKERS)) processes are ready and the nodes are connected to each other, $((SECONDS - STARTED_AT)) s after the command."
printf '  %-8s %-26s %-28s %s\n' "" dashboard "P2P (peers dial this)" metrics
for ((t = 0; t < TRACKERS; t++)); do
  port=${TRACKER_PORTS[t]}
  printf '  %-8s %-26s %-28s %s\n' "${TRACKER_NAMES[t]}" "http://127.0.0.1:$(api_port "$port")/" "ws://127.0.0.1:$port/p2p" \
    "http://127.0.0.1:$(api_port "$port")/actuator/prometheus"
done
for i in $(seq 1 "$NODES"); do
  port=$((BASE_PORT + i))
  printf '  %-8s %-26s %-28s %s\n' "node$i" "http://127.0.0.1:$(api_port "$port")/" "ws://127.0.0.1:$port/p2p" \
    "http://127.0.0.1:$(api_port "$port")/actuator/prometheus"
done
echo "  token:   $TOKEN (the dashboards' send form and the spending endpoints take it)"
echo "  REST:    http://127.0.0.1:<API port>/api/chain, /api/wallet, /api/mempool, /api/blocks/<n>; live: /api/events"
echo "           (API ports are the P2P ports + $API_OFFSET, on loopback; the P2P ports serve only /p2p)"
echo "  spend:   curl -H 'Authorization: Bearer $TOKEN' -H 'Content-Type: application/json' \\"
echo "             -d '{\"to\":\"<address>\",\"amount\":1000,\"fee\":100}' http://127.0.0.1:$(api_port $((BASE_PORT + 1)))/api/payments"
echo "  health:  http://127.0.0.1:<API port>/actuator/health"
echo "Ctrl-C stops the devnet."
wait -n "${PID_OF[@]}" || true
echo "devnet: a process exited unexpectedly; see the logs in $DIR" >&2
exit 1
