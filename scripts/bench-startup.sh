#!/usr/bin/env bash
# Start-up benchmark: each service's time from `java` to /actuator/health UP and its resident memory
# after 20 s idle, started as the devnet starts it, with and without the JDK AOT start-up cache
# (the plain `java -jar` baseline, measured in the same run). Run through ./tallynet bench-startup [runs].
# Only 127.0.0.1 is used; every process it starts is stopped before it exits.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
[[ "$RUNS" =~ ^[1-9][0-9]?$ ]] || { echo "bench-startup: runs is 1 to 99" >&2; exit 2; }
# shellcheck source=scripts/service-jvm.sh
. scripts/service-jvm.sh

echo "bench-startup: packaging the services (mvn, tests skipped)..."
mvn -B -ntp -q -Dstyle.color=never -DskipTests package -pl tracker-service,node-service -am
TRACKER_JAR="$PWD/tracker-service/target/app/app.jar"
NODE_JAR="$PWD/node-service/target/app/app.jar"
ensure_aot_caches "$TRACKER_JAR" "$NODE_JAR"

WORK=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
free_port() {
  local port
  for port in $(shuf -i 20000-60000 -n 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "bench-startup: no free port found" >&2; exit 1
}
healthy() { # port
  local response
  response=$(exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$1" \
    && printf 'GET /actuator/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && cat <&3) || return 1
  [[ "$response" == "HTTP/1."?" 200"* ]]
}
run_once() { # jar aot(yes|no) -> "ms rss_kib"
  local jar="$1" port data aot=() start
  port=$(free_port); data="$WORK/data-$RANDOM"
  [ "$2" = yes ] && aot=("-XX:AOTCache=$(aot_cache_for "$jar")")
  start=$(date +%s%N)
  java "${JVM_OPTIONS[@]}" ${aot[@]+"${aot[@]}"} -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
    --tallynet.data-dir="$data" >"$WORK/log" 2>&1 &
  PID=$!
  until healthy "$port"; do
    kill -0 "$PID" 2>/dev/null || { echo "bench-startup: $jar exited; see below" >&2; tail -20 "$WORK/log" >&2; exit 1; }
    sleep 0.05
  done
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 20
  local rss; rss=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status")
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  echo "$ms $rss"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

echo
echo "Start-up benchmark ($RUNS runs each, median; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
printf '%-8s %-16s %12s %12s\n' service start time-to-healthy idle-RSS
for service in tracker node; do
  jar=$TRACKER_JAR; [ "$service" = node ] && jar=$NODE_JAR
  declare -A ms=() rss=()
  for mode in plain aot; do
    results=()
    for _ in $(seq 1 "$RUNS"); do results+=("$(run_once "$jar" "$([ $mode = aot ] && echo yes || echo no)")"); done
    ms[$mode]=$(printf '%s\n' "${results[@]}" | cut -d' ' -f1 | median)
    rss[$mode]=$(printf '%s\n' "${results[@]}" | cut -d' ' -f2 | median)
    printf '%-8s %-16s %9d ms %9d MB\n' "$service" "$([ $mode = aot ] && echo 'AOT cache' || echo 'java -jar')" \
      "${ms[$mode]}" $(( ${rss[$mode]} / 1024 ))
  done
  awk -v a="${ms[aot]}" -v p="${ms[plain]}" -v s="$service" 'BEGIN {printf "%-8s AOT cache / java -jar: start time %.2fx\n", s, a / p}'
done
