#!/usr/bin/env bash
# Start-up benchmark. Per service: time from `java` to /actuator/health UP and memory after 20 s idle,
# started three ways in the same run: plain `java -jar` (the baseline), with Spring AOT and the JDK AOT
# cache and the full JIT (as the devnet starts its miner, and the images start, though they map the
# cache at a random address), and as the devnet starts the others (the same, C1 only). Then whole
# devnets, with the build up to date: 3 nodes and N nodes (default 20), from the command to "ready" and
# to every node on one chain, with their total memory.
# Run through ./tallynet bench-startup [runs] [nodes]. Only 127.0.0.1 is used; every process it starts
# is stopped before it exits.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
BIG_DEVNET="${2:-20}"
[[ "$RUNS" =~ ^[1-9][0-9]?$ ]] || { echo "bench-startup: runs is 1 to 99" >&2; exit 2; }
[[ "$BIG_DEVNET" =~ ^[1-9][0-9]?$ ]] || { echo "bench-startup: nodes is 1 to 99" >&2; exit 2; }
# shellcheck source=scripts/service-jvm.sh
. scripts/service-jvm.sh

echo "bench-startup: packaging the services (mvn, tests skipped)..."
mvn -B -ntp -q -Dstyle.color=never -DskipTests package -pl tracker-service,node-service -am
TRACKER_JAR="$PWD/tracker-service/target/app/app.jar"
NODE_JAR="$PWD/node-service/target/app/app.jar"
ensure_aot_caches "$TRACKER_JAR" "$NODE_JAR"

WORK=$(mktemp -d)
PID=""
DEVNET=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null
  [ -n "$DEVNET" ] && kill -TERM "$DEVNET" 2>/dev/null && wait "$DEVNET" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
# resident (RSS) and proportional (PSS: pages shared with other processes, such as the AOT cache,
# counted in shares) memory, in KiB
memory_kib() { # pid -> "rss pss"
  awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} END {print r, p}' "/proc/$1/smaps_rollup"
}
run_once() { # jar mode(plain|aot|devnet) -> "ms rss_kib pss_kib"
  local jar="$1" port data options=() start
  port=$(free_port); data="$WORK/data-$RANDOM"
  case "$2" in
    aot) mapfile -t options < <(fast_start_options "$jar") ;;
    devnet) mapfile -t options < <(fast_start_options "$jar"); options+=("${DEVNET_JIT[@]}") ;;
  esac
  start=$(date +%s%N)
  java "${JVM_OPTIONS[@]}" ${options[@]+"${options[@]}"} -jar "$jar" --server.port="$port" \
    --server.address=127.0.0.1 --tallynet.api.port=$((port + 1000)) --tallynet.data-dir="$data" >"$WORK/log" 2>&1 &
  PID=$!
  until http_get $((port + 1000)) /actuator/health >/dev/null; do
    kill -0 "$PID" 2>/dev/null || { echo "bench-startup: $jar exited; see below" >&2; tail -20 "$WORK/log" >&2; exit 1; }
    sleep 0.05
  done
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 20
  local memory; memory=$(memory_kib "$PID")
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  echo "$ms $memory"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

devnet_once() { # nodes -> one line of figures
  local nodes="$1" base out started ready chain="" first pid rss=0 pss=0 memory
  base=$(free_port "$nodes"); out="$WORK/devnet-$nodes.out"
  started=$(date +%s%N)
  setsid scripts/devnet.sh --fresh --nodes "$nodes" --base-port "$base" --dir "$WORK/devnet-$nodes" >"$out" 2>&1 &
  DEVNET=$!
  until grep -q 'processes are ready' "$out"; do
    kill -0 "$DEVNET" 2>/dev/null || { echo "bench-startup: the devnet exited; see below" >&2; tail -20 "$out" >&2; exit 1; }
    sleep 0.2
  done
  ready=$(( ($(date +%s%N) - started) / 1000000 ))
  # on one chain: every node's best block is node1's, at height 1 or more
  until [ -n "$chain" ]; do
    chain=$(http_get $((base + 1000 + 1)) /api/chain || true)
    first=$(grep -o '"bestHash":"[0-9a-f]*"' <<<"$chain" || true)
    grep -q '"height":0,' <<<"$chain" && chain=""
    [ -n "$first" ] || chain=""
    for i in $(seq 2 "$nodes"); do
      [ "$(http_get $((base + 1000 + i)) /api/chain | grep -o '"bestHash":"[0-9a-f]*"' || true)" = "$first" ] || chain=""
    done
    [ -n "$chain" ] || sleep 0.5
  done
  local one_chain=$(( ($(date +%s%N) - started) / 1000000 ))
  for pid in $(pgrep -f -- "--tallynet.data-dir=$WORK/devnet-$nodes/"); do
    memory=$(memory_kib "$pid"); rss=$((rss + ${memory% *})); pss=$((pss + ${memory#* }))
  done
  kill -TERM -- -"$DEVNET" 2>/dev/null || kill -TERM "$DEVNET"; wait "$DEVNET" 2>/dev/null || true; DEVNET=""
  printf '%-16s %9.1f s %9.1f s %9d MB %9d MB\n' "devnet, $nodes nodes" "$(awk -v v="$ready" 'BEGIN {print v / 1000}')" \
    "$(awk -v v="$one_chain" 'BEGIN {print v / 1000}')" $((rss / 1024)) $((pss / 1024))
}

echo
echo "Start-up benchmark ($RUNS runs each, median; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
printf '%-8s %-20s %16s %12s %12s\n' service start time-to-healthy idle-RSS idle-PSS
for service in tracker node; do
  jar=$TRACKER_JAR; [ "$service" = node ] && jar=$NODE_JAR
  declare -A ms=()
  for mode in plain aot devnet; do
    results=()
    for _ in $(seq 1 "$RUNS"); do results+=("$(run_once "$jar" "$mode")"); done
    ms[$mode]=$(printf '%s\n' "${results[@]}" | cut -d' ' -f1 | median)
    rss=$(printf '%s\n' "${results[@]}" | cut -d' ' -f2 | median)
    pss=$(printf '%s\n' "${results[@]}" | cut -d' ' -f3 | median)
    label="java -jar"; [ $mode = aot ] && label="AOT, full JIT"; [ $mode = devnet ] && label="AOT + C1 (devnet)"
    printf '%-8s %-20s %13d ms %9d MB %9d MB\n' "$service" "$label" "${ms[$mode]}" $((rss / 1024)) $((pss / 1024))
  done
  awk -v a="${ms[aot]}" -v d="${ms[devnet]}" -v p="${ms[plain]}" -v s="$service" \
    'BEGIN {printf "%-8s start time against java -jar: AOT %.2fx, devnet %.2fx\n", s, a / p, d / p}'
done
echo
echo "Devnets from the command, build up to date (one run each)"
printf '%-16s %11s %11s %12s %12s\n' devnet ready one-chain total-RSS total-PSS
devnet_once 3
devnet_once "$BIG_DEVNET"
