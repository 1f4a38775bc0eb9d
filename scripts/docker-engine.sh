#!/usr/bin/env bash
# Brings up what the Docker test suite needs on a fresh Debian machine with no daemon running (CI):
# the Docker engine, Compose v1, promtool and kubectl from Debian's apt, and a daemon started with
# the flags that work inside a sandboxed container; also the browser the dashboard test drives
# (chromium, its chromedriver and a font). (The Java base image: ./tallynet docker-base.)
#   scripts/docker-engine.sh start   install what is missing, start dockerd if none answers
#   scripts/docker-engine.sh stop    stop the dockerd this script started
# Needs root for apt and dockerd. State: $TALLYNET_DOCKER_ROOT (default /tmp/tallynet-docker).
set -euo pipefail
ROOT_DIR="${TALLYNET_DOCKER_ROOT:-/tmp/tallynet-docker}"
PID_FILE="$ROOT_DIR/dockerd.pid"

install_missing() {
  local packages=()
  command -v dockerd >/dev/null 2>&1 || packages+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || packages+=(docker-compose)
  # the package brings promtool and the server binary MonitoringTest runs on loopback
  { command -v promtool && command -v prometheus; } >/dev/null 2>&1 || packages+=(prometheus)
  command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)
  # DashboardTest: headless chromium through Debian's own matching driver; a font, or pages render as boxes
  { command -v chromium && command -v chromedriver; } >/dev/null 2>&1 || packages+=(chromium chromium-driver fonts-dejavu-core)
  if [ ${#packages[@]} -gt 0 ]; then
    echo "docker-engine: installing ${packages[*]}"
    apt-get update -qq
    # the tests start their own Prometheus: do not let the package leave its service running
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    if command -v systemctl >/dev/null 2>&1; then systemctl stop prometheus >/dev/null 2>&1 || true; fi
  fi
}

start() {
  install_missing
  mkdir -p "$ROOT_DIR"
  if docker version >/dev/null 2>&1; then
    echo "docker-engine: a daemon already answers"
  else
    # no iptables (not allowed in this sandbox), vfs storage (no overlay mounts inside a container)
    nohup dockerd --iptables=false --ip-masq=false --storage-driver=vfs --data-root "$ROOT_DIR/data" \
      --pidfile "$PID_FILE" >"$ROOT_DIR/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do
      docker version >/dev/null 2>&1 && break
      sleep 1
    done
    docker version >/dev/null 2>&1 || { echo "docker-engine: dockerd did not start; see $ROOT_DIR/dockerd.log" >&2; exit 1; }
    echo "docker-engine: dockerd started"
  fi
}

stop() {
  if [ -f "$PID_FILE" ]; then
    kill "$(cat "$PID_FILE")" 2>/dev/null || true
    for _ in $(seq 1 30); do [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break; sleep 1; done
    echo "docker-engine: dockerd stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
