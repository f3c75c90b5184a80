#!/usr/bin/env bash
# The production shape on one machine: every component is its own OS process.
#
#   scripts/cluster.sh up [--prop=value ...]   Kafka, PostgreSQL, the two libvirt hosts, the five
#                                               services (extra args go to every service), demo-1
#   scripts/cluster.sh down [--delete-demo]     stops what it started (libvirt daemons and VMs keep
#                                               running; --delete-demo first deletes demo-1)
#   scripts/cluster.sh status                   components, PIDs, ports, health
#   scripts/cluster.sh stop SERVICE             graceful stop (SIGTERM, then SIGKILL after a timeout)
#   scripts/cluster.sh kill SERVICE             SIGKILL (PostgreSQL: its server processes too)
#   scripts/cluster.sh start SERVICE [args...]  starts one component again (a service with the args
#                                               given to up, then these; one of these replaces up's
#                                               of the same --name) and waits until it answers
#
# SERVICE: kafka postgres clone-api storage-service memory-service transfer-service config-service,
#          or SERVICE@N (N >= 2) for a further instance of a service in the same consumer group
#          (start SERVICE@2 runs a second one; its HTTP port is SERVICE's + 100 * (N - 1))
# Data, logs and PID files live in HOTCLONE_CLUSTER_DIR (default .cluster/ in the repository).
# See README.md, "Production-shaped local run", for ports and environment variables.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

INFRA=(kafka postgres)
SERVICES=(clone-api storage-service memory-service transfer-service config-service)
ALL=("${INFRA[@]}" "${SERVICES[@]}")
VERSION=0.1.0-SNAPSHOT
DEVSTACK_JAR="devstack/target/devstack-$VERSION.jar"

DIR=${HOTCLONE_CLUSTER_DIR:-$ROOT/.cluster}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
SETTINGS="$DIR/cluster.env"

log() { echo "[cluster] $*" >&2; }
die() { log "$*"; exit 1; }

# --- settings: environment, else what the last `up` used (cluster.env), else the default ---------
setting() { # NAME DEFAULT
  local name=$1 default=$2 saved=""
  if [ -n "${!name:-}" ]; then printf '%s' "${!name}"; return; fi
  if [ -f "$SETTINGS" ]; then
    saved=$(sed -n "s/^$name=//p" "$SETTINGS" | tail -1)
    saved=${saved#\'}; saved=${saved%\'}
  fi
  printf '%s' "${saved:-$default}"
}
API_PORT=$(setting HOTCLONE_CLUSTER_API_PORT 8090)
KAFKA_PORT=$(setting HOTCLONE_CLUSTER_KAFKA_PORT 29092)
PG_PORT=$(setting HOTCLONE_CLUSTER_PG_PORT 25432)
STORAGE_PORT=$(setting HOTCLONE_CLUSTER_STORAGE_PORT 8091)
MEMORY_PORT=$(setting HOTCLONE_CLUSTER_MEMORY_PORT 8092)
TRANSFER_PORT=$(setting HOTCLONE_CLUSTER_TRANSFER_PORT 8093)
CONFIG_PORT=$(setting HOTCLONE_CLUSTER_CONFIG_PORT 8094)
JAVA_OPTS=$(setting HOTCLONE_CLUSTER_JAVA_OPTS "-XX:+UseSerialGC -Xmx512m -XX:TieredStopAtLevel=1")
# tracing and logs (README "Tracing and logs"): an OTLP/HTTP traces endpoint every service exports
# its spans to (unset: no export); ecs or logstash: JSON log lines (unset: plain text)
OTLP_ENDPOINT=$(setting HOTCLONE_CLUSTER_OTLP_ENDPOINT "")
LOG_FORMAT=$(setting HOTCLONE_CLUSTER_LOG_FORMAT "")
TIMEOUT=${HOTCLONE_CLUSTER_TIMEOUT:-180}

save_settings() {
  # the effective values: later subcommands (start SERVICE from another shell) use the same
  {
    echo "HOTCLONE_CLUSTER_API_PORT='$API_PORT'"
    echo "HOTCLONE_CLUSTER_KAFKA_PORT='$KAFKA_PORT'"
    echo "HOTCLONE_CLUSTER_PG_PORT='$PG_PORT'"
    echo "HOTCLONE_CLUSTER_STORAGE_PORT='$STORAGE_PORT'"
    echo "HOTCLONE_CLUSTER_MEMORY_PORT='$MEMORY_PORT'"
    echo "HOTCLONE_CLUSTER_TRANSFER_PORT='$TRANSFER_PORT'"
    echo "HOTCLONE_CLUSTER_CONFIG_PORT='$CONFIG_PORT'"
    echo "HOTCLONE_CLUSTER_JAVA_OPTS='$JAVA_OPTS'"
    echo "HOTCLONE_CLUSTER_OTLP_ENDPOINT='$OTLP_ENDPOINT'"
    echo "HOTCLONE_CLUSTER_LOG_FORMAT='$LOG_FORMAT'"
  } > "$SETTINGS.tmp"
  mv "$SETTINGS.tmp" "$SETTINGS"
}

# SERVICE@N (N >= 2) is a further instance of SERVICE in the same consumer group: its own process,
# log and PID file, HTTP port = SERVICE's port + 100 * (N - 1)
base_of() { echo "${1%@*}"; }
instances() { # the further instances with a PID file
  local f
  for f in "$DIR"/pids/*@*.pid; do [ -e "$f" ] && basename "$f" .pid; done
  return 0
}

port_of() {
  case $1 in
    *@*)
      local base=${1%@*} n=${1##*@}
      case $n in ''|*[!0-9]*) die "instance number of '$1' is not a number" ;; esac
      [ "$n" -ge 2 ] || die "instance numbers start at 2 ('$base' is the first)"
      is_infra "$base" && die "$base has one instance"
      echo $(( $(port_of "$base") + 100 * (n - 1) )) ;;
    kafka) echo "$KAFKA_PORT" ;;
    postgres) echo "$PG_PORT" ;;
    clone-api) echo "$API_PORT" ;;
    storage-service) echo "$STORAGE_PORT" ;;
    memory-service) echo "$MEMORY_PORT" ;;
    transfer-service) echo "$TRANSFER_PORT" ;;
    config-service) echo "$CONFIG_PORT" ;;
    *) die "unknown component '$1' (one of: ${ALL[*]})" ;;
  esac
}

is_infra() { [ "$1" = kafka ] || [ "$1" = postgres ]; }
pidfile() { echo "$DIR/pids/$1.pid"; }
logfile() { echo "$DIR/logs/$1.log"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# the PID of a running component: its PID file names a live process started for this component of
# this cluster directory (both are on its command line), else nothing
pid_of() {
  local f pid cmd
  f=$(pidfile "$1")
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 0
  cmd=$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null) || return 0
  case $cmd in
    *"-Dhotclone.cluster.component=$1"*"-Dhotclone.cluster.dir=$DIR"*) echo "$pid" ;;
  esac
}

# --- libvirt -------------------------------------------------------------------------------------
load_libvirt_env() {
  local f="$ROOT/.work/libvirt.env" line key
  if [ -f "$f" ]; then
    while IFS= read -r line; do
      case $line in ''|'#'*) continue ;; esac
      key=${line%%=*}
      # a variable given in the environment wins over the file
      [ -n "${!key:-}" ] || export "$line"
    done < "$f"
  fi
  local v
  for v in HOTCLONE_LIBVIRT_SOURCE_URI HOTCLONE_LIBVIRT_TARGET_URI HOTCLONE_LIBVIRT_SHARED_DIR \
           HOTCLONE_LIBVIRT_HOST_A_DIR HOTCLONE_LIBVIRT_HOST_B_DIR HOTCLONE_GUEST_DIR; do
    [ -n "${!v:-}" ] || die "$v is not set: run scripts/libvirt/setup.sh (scripts/cluster.sh up does)"
  done
}

# --- build ---------------------------------------------------------------------------------------
jar_of() {
  local b; b=$(base_of "$1")
  if is_infra "$b"; then echo "$DEVSTACK_JAR"; else echo "$b/target/$b-$VERSION-exec.jar"; fi
}
ensure_jars() {
  local c missing=0
  for c in "${ALL[@]}"; do [ -f "$(jar_of "$c")" ] || missing=1; done
  if [ $missing = 1 ]; then
    log "building the jars (mvn -DskipTests package)"
    mvn -B -ntp -q -DskipTests package
  fi
}

# --- one component -------------------------------------------------------------------------------
command_of() { # COMPONENT [extra args...]: the command line, one word per line
  local c=$1; shift
  local -a cmd
  # shellcheck disable=SC2206
  cmd=(java $JAVA_OPTS "-Dhotclone.cluster.component=$c" "-Dhotclone.cluster.dir=$DIR")
  if is_infra "$c"; then
    cmd+=(-cp "$DEVSTACK_JAR" -Dloader.main=io.hotclone.devstack.InfraMain
          org.springframework.boot.loader.launch.PropertiesLauncher
          "$c" "--port=$(port_of "$c")" "--data-dir=$DIR/$c")
  else
    cmd+=(-jar "$(jar_of "$c")"
          "--server.port=$(port_of "$c")"
          "--hotclone.kafka.bootstrap-servers=localhost:$KAFKA_PORT"
          "--hotclone.db.url=jdbc:postgresql://localhost:$PG_PORT/postgres"
          --hotclone.db.username=postgres --hotclone.db.password=postgres
          --hotclone.hypervisor.driver=libvirt
          "--hotclone.hypervisor.hosts.host-a=$HOTCLONE_LIBVIRT_SOURCE_URI"
          "--hotclone.hypervisor.hosts.host-b=$HOTCLONE_LIBVIRT_TARGET_URI"
          "--hotclone.hypervisor.storage-dir=$HOTCLONE_LIBVIRT_SHARED_DIR"
          "--hotclone.hypervisor.host-dirs.host-a=$HOTCLONE_LIBVIRT_HOST_A_DIR"
          "--hotclone.hypervisor.host-dirs.host-b=$HOTCLONE_LIBVIRT_HOST_B_DIR"
          "--hotclone.hypervisor.guest-dir=$HOTCLONE_GUEST_DIR")
    # static Kafka group membership: the same instance started again takes its partitions back at
    # once instead of after the old member's session timeout (HOTCLONE_CLUSTER_STATIC_MEMBERSHIP=false:
    # dynamic members, the baseline of bench/takeover.sh)
    if [ "${HOTCLONE_CLUSTER_STATIC_MEMBERSHIP:-true}" = true ]; then
      cmd+=("--hotclone.kafka.instance-id=${c/@/-}")
    fi
    if [ -n "$OTLP_ENDPOINT" ]; then
      cmd+=("--management.opentelemetry.tracing.export.otlp.endpoint=$OTLP_ENDPOINT")
    fi
    if [ -n "$LOG_FORMAT" ]; then
      cmd+=("--logging.structured.format.console=$LOG_FORMAT")
    fi
    if [ "$(base_of "$c")" = clone-api ]; then
      # development credentials (tenant-a, tenant-b, an admin key, a token issuer) in $DIR/credentials;
      # every clone-api instance shares them. VMs found on the hosts belong to tenant-a.
      cmd+=("--hotclone.security.dev-dir=$DIR/credentials"
            --hotclone.security.discovered-vm-tenant=tenant-a)
    fi
  fi
  cmd+=("$@")
  printf '%s\n' "${cmd[@]}"
}

# PostgreSQL's server (zonky binaries) runs as processes of its own session: find it by the
# postmaster.pid of our data directory, and only if that process really serves our data directory
pg_server_pid() {
  local f="$DIR/postgres/postmaster.pid" pid
  [ -f "$f" ] || return 0
  pid=$(head -1 "$f")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 0
  if tr '\0' '\n' < "/proc/$pid/cmdline" | grep -qxF -- "$DIR/postgres"; then echo "$pid"; fi
}
# SIGNAL: signals the postmaster (and with KILL its children, which run in sessions of their own)
signal_pg_server() {
  local sig=$1 pid kids
  pid=$(pg_server_pid)
  [ -n "$pid" ] || return 0
  kids=$(pgrep -P "$pid" || true)
  if [ "$sig" = KILL ]; then
    # shellcheck disable=SC2086
    kill -KILL "$pid" $kids 2>/dev/null || true
  else
    kill "-$sig" "$pid" 2>/dev/null || true
  fi
}
# a server left over from a wrapper that was SIGKILLed: stop it (fast shutdown, then SIGKILL);
# a postmaster.pid whose process is gone is removed
clean_pg_leftovers() {
  local pid i
  pid=$(pg_server_pid)
  if [ -n "$pid" ]; then
    log "postgres: a server of a previous run is still running (pid $pid): stopping it"
    signal_pg_server INT
    for i in $(seq 50); do [ -n "$(pg_server_pid)" ] || break; sleep 0.2; done
    if [ -n "$(pg_server_pid)" ]; then signal_pg_server KILL; sleep 0.5; fi
  fi
  if [ -f "$DIR/postgres/postmaster.pid" ] && [ -z "$(pg_server_pid)" ]; then
    rm -f "$DIR/postgres/postmaster.pid"
  fi
}

# launches COMPONENT [extra args] in a session of its own; does not wait for it
launch() {
  local c=$1; shift
  local pid port
  pid=$(pid_of "$c")
  [ -z "$pid" ] || { log "$c runs already (pid $pid)"; return 0; }
  if [ "$c" = postgres ]; then clean_pg_leftovers; fi
  port=$(port_of "$c")
  if port_open "$port"; then die "$c: port $port is in use by another process (set HOTCLONE_CLUSTER_*_PORT)"; fi
  mkdir -p "$DIR/logs" "$DIR/pids"
  local -a cmd
  mapfile -t cmd < <(command_of "$c" "$@")
  local lf; lf=$(logfile "$c")
  printf '=== cluster.sh: starting %s at %s\n' "$c" "$(date -Is)" >> "$lf"
  wc -l < "$lf" > "$DIR/pids/$c.logline"
  rm -f "$(pidfile "$c")"
  # the process writes its own PID (exec keeps it) before it becomes java
  setsid sh -c 'echo $$ > "$1"; shift; exec "$@"' sh "$(pidfile "$c")" "${cmd[@]}" \
    >> "$lf" 2>&1 < /dev/null &
}

# true when COMPONENT answers: infrastructure its port and its READY line, a service its health UP
answers() {
  local c=$1 port from
  port=$(port_of "$c")
  if is_infra "$c"; then
    from=$(cat "$DIR/pids/$c.logline" 2>/dev/null || echo 0)
    port_open "$port" && tail -n "+$from" "$(logfile "$c")" | grep -q "READY $c"
  else
    curl -fsS -m 5 "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"status":"UP"'
  fi
}

await_ready() { # COMPONENT...
  local c t0=$SECONDS pending=("$@") next
  while [ ${#pending[@]} -gt 0 ]; do
    next=()
    for c in "${pending[@]}"; do
      [ -f "$(pidfile "$c")" ] || { sleep 0.2; next+=("$c"); continue; }
      if [ -z "$(pid_of "$c")" ]; then
        log "$c exited while starting; last lines of $(logfile "$c"):"
        tail -n 30 "$(logfile "$c")" >&2
        return 1
      fi
      if answers "$c"; then
        log "$c is up (pid $(pid_of "$c"), port $(port_of "$c"), $((SECONDS - t0)) s)"
      else
        next+=("$c")
      fi
    done
    pending=("${next[@]+"${next[@]}"}")
    [ ${#pending[@]} -eq 0 ] && break
    if [ $((SECONDS - t0)) -gt "$TIMEOUT" ]; then
      log "not up after $TIMEOUT s: ${pending[*]} (logs in $DIR/logs)"
      return 1
    fi
    sleep 1
  done
}

wait_gone() { # SECONDS PID...
  local limit=$1 i p alive; shift
  for i in $(seq $((limit * 5))); do
    alive=0
    for p in "$@"; do [ -e "/proc/$p" ] && alive=1; done
    [ $alive = 0 ] && return 0
    sleep 0.2
  done
  return 1
}

stop_many() { # graceful: SIGTERM each, wait, SIGKILL what is left
  local c pid pids=() comps=()
  for c in "$@"; do
    pid=$(pid_of "$c")
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); comps+=("$c"); fi
  done
  if [ ${#pids[@]} -gt 0 ] && ! wait_gone 40 "${pids[@]}"; then
    for c in "${comps[@]}"; do
      pid=$(pid_of "$c")
      [ -z "$pid" ] || { log "$c did not stop in 40 s: SIGKILL"; kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" || true; }
    done
  fi
  for c in "$@"; do
    if [ "$c" = postgres ]; then clean_pg_leftovers; fi
    rm -f "$(pidfile "$c")"
  done
  [ ${#comps[@]} -eq 0 ] || log "stopped ${comps[*]}"
}

kill_one() {
  local c=$1 pid
  pid=$(pid_of "$c")
  if [ -z "$pid" ]; then
    log "$c is not running"
  else
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    log "$c killed (SIGKILL, pid $pid)"
  fi
  if [ "$c" = postgres ]; then
    local server; server=$(pg_server_pid)
    if [ -n "$server" ]; then signal_pg_server KILL; log "postgres server killed (SIGKILL, pid $server)"; fi
  fi
  [ -z "$pid" ] || wait_gone 10 "$pid" || true
  rm -f "$(pidfile "$c")"
}

# --- credentials -------------------------------------------------------------------------------
CREDENTIALS="$DIR/credentials/credentials.env"
# KEY_VAR (e.g. HOTCLONE_KEY_TENANT_A): the value clone-api wrote to $CREDENTIALS
credential() { sed -n "s/^$1=//p" "$CREDENTIALS" 2>/dev/null | tail -1; }

# --- demo VM -------------------------------------------------------------------------------------
ensure_demo() {
  local api="http://127.0.0.1:$API_PORT" body code key
  key=$(credential HOTCLONE_KEY_TENANT_A)
  [ -n "$key" ] || { log "no API key of tenant-a in $CREDENTIALS"; return 1; }
  body=$(curl -s -m 30 -H "X-API-Key: $key" "$api/api/v1/vms/demo-1" || true)
  if printf '%s' "$body" | grep -q '"state":"RUNNING"'; then
    log "demo-1 runs already"
    return 0
  fi
  log "creating demo-1 on host-a (the agent guest)"
  code=$(curl -s -m 180 -o "$DIR/logs/demo-1.create.json" -w '%{http_code}' -X POST "$api/api/v1/vms" \
    -H "X-API-Key: $key" -H 'Content-Type: application/json' \
    -d '{"name":"demo-1","host":"host-a","memoryMiB":128,"diskMiB":64,"image":"agent"}' || true)
  if [ "$code" != 201 ]; then
    log "could not create demo-1 (HTTP $code): $(cat "$DIR/logs/demo-1.create.json" 2>/dev/null)"
    return 1
  fi
  log "demo-1 created"
}

# --- subcommands ---------------------------------------------------------------------------------
cmd_up() {
  local t0=$SECONDS rc=0
  if [ "${HOTCLONE_CLUSTER_LIBVIRT_SETUP:-1}" != 0 ]; then
    bash scripts/libvirt/setup.sh > "$DIR/libvirt-setup.log" 2>&1 \
      || { tail -n 20 "$DIR/libvirt-setup.log" >&2; die "scripts/libvirt/setup.sh failed"; }
  fi
  load_libvirt_env
  ensure_jars
  save_settings
  launch postgres
  launch kafka
  await_ready postgres kafka || die "infrastructure did not start"
  # the arguments given to up go to every service, and again whenever `start SERVICE` restarts one
  printf '%s\n' "$@" > "$DIR/service-args"
  local s
  for s in "${SERVICES[@]}"; do launch "$s" "$@"; done
  await_ready "${SERVICES[@]}" || die "services did not start"
  if [ "${HOTCLONE_CLUSTER_DEMO:-1}" != 0 ]; then ensure_demo || rc=1; fi
  cat <<EOF

=== HotClone cluster is up ($((SECONDS - t0)) s) ===
clone-api   http://localhost:$API_PORT   (OpenAPI: /v3/api-docs, health: /actuator/health)
Kafka       localhost:$KAFKA_PORT   PostgreSQL jdbc:postgresql://localhost:$PG_PORT/postgres
logs        $DIR/logs/<component>.log
credentials $CREDENTIALS (API keys of tenant-a, tenant-b and admin; 12-hour tokens)
$(grep -v '^#' "$CREDENTIALS" 2>/dev/null | sed 's/^/  /')
Try:
  set -a; . $CREDENTIALS; set +a
  curl -s localhost:$API_PORT/api/v1/vms/demo-1 -H "X-API-Key: \$HOTCLONE_KEY_TENANT_A"
  curl -si -X POST localhost:$API_PORT/api/v1/clones -H "X-API-Key: \$HOTCLONE_KEY_TENANT_A" \\
       -H 'Content-Type: application/json' -d '{"sourceVm":"demo-1","targetHost":"host-b","count":1}'
  scripts/cluster.sh status | kill SERVICE | start SERVICE | down
EOF
  return $rc
}

cmd_down() {
  if [ "${1:-}" = --delete-demo ]; then
    if [ -n "$(pid_of clone-api)" ]; then
      local code
      code=$(curl -s -m 60 -o /dev/null -w '%{http_code}' -X DELETE -H "X-API-Key: $(credential HOTCLONE_KEY_TENANT_A)" \
        "http://127.0.0.1:$API_PORT/api/v1/vms/demo-1" || true)
      log "DELETE demo-1: HTTP $code"
    else
      log "clone-api is not running: demo-1 left as it is"
    fi
  elif [ $# -gt 0 ]; then
    usage
  fi
  # shellcheck disable=SC2046
  stop_many clone-api storage-service memory-service transfer-service config-service $(instances)
  stop_many kafka
  stop_many postgres
  log "down (data kept in $DIR; libvirt daemons and VMs left as they are)"
}

cmd_status() {
  local c pid state extra
  printf '%-17s %-8s %-8s %-6s %s\n' COMPONENT STATE PID PORT DETAIL
  for c in "${ALL[@]}" $(instances); do
    pid=$(pid_of "$c"); extra=""
    if [ -n "$pid" ]; then
      state=running
      if answers "$c"; then extra="answers"; else extra="not answering"; fi
    else
      state=stopped; pid=-
    fi
    if [ "$c" = postgres ] && [ -n "$(pg_server_pid)" ]; then
      if [ "$state" = running ]; then extra="$extra, server pid $(pg_server_pid)"
      else extra="left-over server pid $(pg_server_pid) (start postgres stops it)"; fi
    fi
    printf '%-17s %-8s %-8s %-6s %s\n' "$c" "$state" "$pid" "$(port_of "$c")" "$extra"
  done
  echo "data and logs: $DIR"
}

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
sub=$1; shift
case $sub in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status ;;
  start)
    [ $# -ge 1 ] || usage
    c=$1; shift; port_of "$c" >/dev/null
    is_infra "$c" || load_libvirt_env
    ensure_jars
    if ! is_infra "$c" && [ -s "$DIR/service-args" ]; then
      # up's service arguments, but an extra argument replaces one of up's with the same --name
      # (Spring joins repeated options into one comma-separated value)
      mapfile -t up_args < "$DIR/service-args"
      kept=()
      for a in "${up_args[@]}"; do
        keep=true
        for b in "$@"; do [ "${a%%=*}" = "${b%%=*}" ] && keep=false; done
        $keep && kept+=("$a")
      done
      set -- "${kept[@]+"${kept[@]}"}" "$@"
    fi
    launch "$c" "$@"
    await_ready "$c"
    ;;
  stop) [ $# -eq 1 ] || usage; port_of "$1" >/dev/null; stop_many "$1" ;;
  kill) [ $# -eq 1 ] || usage; port_of "$1" >/dev/null; kill_one "$1" ;;
  *) usage ;;
esac
