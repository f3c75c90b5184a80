#!/usr/bin/env bash
# The Docker engine for the test command, leaving the machine as it was found:
#
#   scripts/docker-engine.sh start   installs Debian's docker.io (and docker-compose, jq) if missing;
#                                    starts dockerd unless an engine answers, and then remembers
#                                    that it did (.work/docker-engine.pid)
#   scripts/docker-engine.sh stop    stops the engine only if `start` started it
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PIDFILE="$ROOT/.work/docker-engine.pid"
LOG="$ROOT/.work/dockerd.log"
log() { echo "[docker-engine] $*" >&2; }

case ${1:-} in
  start)
    need=()
    command -v dockerd >/dev/null || need+=(docker.io)
    command -v docker-compose >/dev/null || need+=(docker-compose)
    command -v jq >/dev/null || need+=(jq)
    if [ ${#need[@]} -gt 0 ]; then
      log "installing ${need[*]}"
      # package lists that are missing or outdated are fetched once, then the install is tried again
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
    fi
    if docker info >/dev/null 2>&1; then
      log "an engine runs already: left as it is"
      exit 0
    fi
    mkdir -p "$ROOT/.work"
    # not holding the caller's descriptors (a flock the caller holds would live as long as the engine)
    for fd in 3 4 5 6 7 8 9; do eval "exec $fd>&-"; done
    setsid dockerd > "$LOG" 2>&1 < /dev/null &
    echo $! > "$PIDFILE"
    for _ in $(seq 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
    if ! docker info >/dev/null 2>&1; then
      tail -n 20 "$LOG" >&2
      log "the Docker engine did not start (log: $LOG)"
      exit 1
    fi
    log "started dockerd (pid $(cat "$PIDFILE"))"
    ;;
  stop)
    [ -f "$PIDFILE" ] || exit 0
    pid=$(cat "$PIDFILE")
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
      kill -TERM "$pid"
      for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && { log "dockerd did not stop in 30 s: SIGKILL"; kill -KILL "$pid"; }
      log "stopped dockerd (pid $pid)"
    fi
    rm -f "$PIDFILE"
    ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
