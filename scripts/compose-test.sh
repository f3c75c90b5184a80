#!/usr/bin/env bash
# The containers topology, end to end: docker-compose.yml on a Docker engine of this machine, against
# the libvirt test hosts of scripts/libvirt/setup.sh.
#
#   1. Docker: scripts/docker-engine.sh (installs Debian's docker.io if missing, starts the engine if
#      none answers, and stops it again at the end, whatever happens: the machine is left as found).
#   2. Images: scripts/images.sh (base, five services, Kafka, PostgreSQL; cached layers reused).
#   3. Under flock /tmp/hotclone-libvirt.lock (other tests on the same libvirt hosts hold it too):
#      docker-compose up -d (docker-compose.yml + docker-compose.local-libvirt.yml, the local Kafka and
#      PostgreSQL images, fresh secrets; host-a over SASL, host-b over TLS), waits until every
#      container is healthy; creates an agent guest on host-a through the compose-started clone-api
#      and clones it to host-b: COMPLETED, identity APPLIED, the clone's counter continuing from the cut.
#   4. The portal in headless Chromium (portal-e2e/portal.e2e.mjs, PortalIT's script), served by the
#      compose-started clone-api: that guest cloned from the page, followed to COMPLETED, lineage,
#      problems, the clone deleted.
#   5. A second clone with one service killed (docker-compose kill) in the middle, then up -d: the
#      clone ends COMPLETED or FAILED, and nothing of it is left behind (no domain; no file of that
#      clone id outside a live disk chain).
#   6. docker-compose down, up -d: operations, VMs and lineage are still there.
#   7. Deletes the VMs it made, down -v.
#
# Environment: the HOTCLONE_LIBVIRT_* variables of .work/libvirt.env (when unset, scripts/libvirt/setup.sh
# runs first and writes them), HOTCLONE_COMPOSE_PROJECT (hotclone-compose-test),
# HOTCLONE_COMPOSE_API_PORT (18080), HOTCLONE_COMPOSE_KILL (memory-service: killed as the clone
# leaves REQUESTED, while it freezes memory), HOTCLONE_COMPOSE_KEEP=1 (leave the suite up at the
# end, for a look; the engine too).
# Prints the time of each step. Logs of the containers: .work/compose/logs/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PROJECT=${HOTCLONE_COMPOSE_PROJECT:-hotclone-compose-test}
API_PORT=${HOTCLONE_COMPOSE_API_PORT:-18080}
KILL=${HOTCLONE_COMPOSE_KILL:-memory-service}
WORK="$ROOT/.work/compose"
LOCK=/tmp/hotclone-libvirt.lock
API="http://127.0.0.1:$API_PORT"
SERVICES=(clone-api storage-service memory-service transfer-service config-service)
T0=$SECONDS
STEP_T=$SECONDS
TIMINGS=()
UP=false

log() { echo "[compose-test $(date +%T)] $*" >&2; }
die() { log "FAILED: $*"; exit 1; }
step_done() { # NAME: records how long the step since the last one took
  TIMINGS+=("$(printf '%-44s %4d s' "$1" $((SECONDS - STEP_T)))")
  log "$1: $((SECONDS - STEP_T)) s"
  STEP_T=$SECONDS
}
mkdir -p "$WORK/logs"

# --- Docker engine ------------------------------------------------------------------------------
STARTED_DOCKERD=false
stop_dockerd() {
  $STARTED_DOCKERD || return 0
  bash scripts/docker-engine.sh stop
  STARTED_DOCKERD=false
}

DC=(docker-compose -p "$PROJECT" -f docker-compose.yml -f docker-compose.local-libvirt.yml)
save_logs() {
  local s
  for s in kafka postgres "${SERVICES[@]}"; do
    "${DC[@]}" logs --no-color "$s" > "$WORK/logs/$s.log" 2>&1 || true
  done
}
cleanup() {
  local rc=$?
  set +e
  if [ "${HOTCLONE_COMPOSE_KEEP:-0}" = 1 ]; then
    log "HOTCLONE_COMPOSE_KEEP=1: the suite and the engine are left running"
    exit $rc
  fi
  if $UP; then
    save_logs
    log "removing what is left (containers, volumes) after exit status $rc"
    delete_made >/dev/null 2>&1
    "${DC[@]}" down -v --remove-orphans >/dev/null 2>&1
  fi
  stop_dockerd
  printf '\n=== compose-test timings ===\n%s\n' "$(printf '%s\n' "${TIMINGS[@]}")"
  printf '%-44s %4d s\n' "total" $((SECONDS - T0))
  [ $rc = 0 ] && echo "compose-test: PASSED" || echo "compose-test: FAILED (exit $rc; container logs in $WORK/logs)"
  exit $rc
}
trap cleanup EXIT

# an engine that answers already (the test command's, an operator's) is left running at the end
if ! { command -v docker >/dev/null && command -v docker-compose >/dev/null && command -v jq >/dev/null \
       && docker info >/dev/null 2>&1; }; then
  STARTED_DOCKERD=true
  bash scripts/docker-engine.sh start || die "no Docker engine"
fi
step_done "Docker engine"

# --- libvirt hosts ------------------------------------------------------------------------------
# the suite creates domains on the shared test hosts (and setup.sh may restart them): hold their lock, unless a
# caller of this script holds it already (flock "$LOCK" scripts/test.sh): waiting for it would never end
lock_held_by_caller() {
  local ino holders p h
  ino=$(stat -c %i "$LOCK" 2>/dev/null) || return 1
  holders=$(awk -v ino="$ino" '$2 == "FLOCK" && $6 ~ (":" ino "$") {print $5}' /proc/locks)
  p=$$
  while [ "${p:-0}" -gt 1 ]; do
    for h in $holders; do [ "$h" = "$p" ] && return 0; done
    p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)
  done
  return 1
}
if lock_held_by_caller; then
  log "$LOCK is held by a caller of this script"
else
  exec 9> "$LOCK"
  log "waiting for $LOCK"
  flock 9
fi
step_done "libvirt lock"

if [ -z "${HOTCLONE_LIBVIRT_SOURCE_URI:-}" ]; then
  bash scripts/libvirt/setup.sh > "$WORK/libvirt-setup.log" 2>&1 \
    || { tail -n 20 "$WORK/libvirt-setup.log" >&2; die "scripts/libvirt/setup.sh failed"; }
  set -a
  # shellcheck disable=SC1091
  . .work/libvirt.env
  set +a
fi
for v in HOTCLONE_LIBVIRT_SOURCE_URI HOTCLONE_LIBVIRT_TARGET_URI HOTCLONE_LIBVIRT_SHARED_DIR \
         HOTCLONE_LIBVIRT_HOST_A_DIR HOTCLONE_LIBVIRT_HOST_B_DIR HOTCLONE_GUEST_DIR \
         HOTCLONE_LIBVIRT_TLS_TARGET_URI HOTCLONE_LIBVIRT_TLS_PKI_DIR HOTCLONE_LIBVIRT_SASL_SOURCE_URI \
         HOTCLONE_LIBVIRT_SASL_USERNAME HOTCLONE_LIBVIRT_SASL_PASSWORD_FILE; do
  [ -n "${!v:-}" ] || die "$v is not set (scripts/libvirt/setup.sh writes .work/libvirt.env)"
done
# this script looks at the hosts itself (virsh, on this machine) over their unauthenticated local URIs
VIRSH_A=$HOTCLONE_LIBVIRT_SOURCE_URI
VIRSH_B=$HOTCLONE_LIBVIRT_TARGET_URI

# --- images -------------------------------------------------------------------------------------
bash scripts/images.sh
step_done "images (scripts/images.sh)"

# --- the suite ----------------------------------------------------------------------------------
mkdir -p "$WORK/secrets"
chmod 700 "$WORK/secrets"
rnd() { head -c "$1" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
rnd 24 > "$WORK/secrets/db-password"
printf 'hc_%s_%s\n' "$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$(rnd 32)" > "$WORK/secrets/admin-key"
chmod 644 "$WORK/secrets"/*   # the PostgreSQL server reads its file as its own user
ADMIN_KEY=$(cat "$WORK/secrets/admin-key")

export HOTCLONE_KAFKA_IMAGE HOTCLONE_POSTGRES_IMAGE
HOTCLONE_KAFKA_IMAGE=$(cat docker/kafka/target/image)
HOTCLONE_POSTGRES_IMAGE=${HOTCLONE_IMAGE_PREFIX:-hotclone/}postgres:15
export HOTCLONE_SECRETS_DIR="$WORK/secrets" HOTCLONE_API_PORT="$API_PORT"
# the containers reach host-a over SASL and host-b over TLS (setup.sh's listeners, its test CA)
export HOTCLONE_HOST_A_URI="$HOTCLONE_LIBVIRT_SASL_SOURCE_URI" HOTCLONE_HOST_B_URI="$HOTCLONE_LIBVIRT_TLS_TARGET_URI"
export HOTCLONE_HOST_A_SASL_USERNAME="$HOTCLONE_LIBVIRT_SASL_USERNAME"
export HOTCLONE_HOST_A_SASL_PASSWORD_FILE="$HOTCLONE_LIBVIRT_SASL_PASSWORD_FILE"
export HOTCLONE_LIBVIRT_PKI_DIR="$HOTCLONE_LIBVIRT_TLS_PKI_DIR"
export HOTCLONE_SHARED_DIR="$HOTCLONE_LIBVIRT_SHARED_DIR" HOTCLONE_HOST_A_DIR="$HOTCLONE_LIBVIRT_HOST_A_DIR"
export HOTCLONE_HOST_B_DIR="$HOTCLONE_LIBVIRT_HOST_B_DIR" HOTCLONE_GUEST_DIR


"${DC[@]}" down -v --remove-orphans >/dev/null 2>&1 || true   # a run that was killed
UP=true

# every container of the project healthy
await_healthy() {
  local limit=$1 t=$SECONDS c state pending
  while true; do
    pending=()
    for c in kafka postgres "${SERVICES[@]}"; do
      state=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' \
        "$("${DC[@]}" ps -q "$c" 2>/dev/null)" 2>/dev/null || echo missing)
      [ "$state" = healthy ] || pending+=("$c:$state")
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    if [ $((SECONDS - t)) -gt "$limit" ]; then
      save_logs
      die "not healthy after $limit s: ${pending[*]} (logs in $WORK/logs)"
    fi
    sleep 2
  done
}

api() { # METHOD PATH [JSON]: prints the body, fails on a non-2xx status
  local out code
  local -a body=()
  [ $# -lt 3 ] || body=(-H 'Content-Type: application/json' -d "$3")
  out=$(mktemp)
  code=$(curl -s -m 60 -o "$out" -w '%{http_code}' -X "$1" "$API$2" -H "X-API-Key: $ADMIN_KEY" \
    "${body[@]+"${body[@]}"}") || code=000
  if [ "${code:0:1}" != 2 ]; then
    log "$1 $2: HTTP $code $(cat "$out")"; rm -f "$out"; return 1
  fi
  cat "$out"; rm -f "$out"
}
vm() { api GET "/api/v1/vms/$1"; }
await() { # SECONDS DESCRIPTION COMMAND...: until the command succeeds
  local limit=$1 what=$2 t=$SECONDS; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $((SECONDS - t)) -le "$limit" ] || die "$what: not within $limit s"
    sleep 1
  done
}
ended() { # OPERATION: prints its phase once it is COMPLETED or FAILED
  local p; p=$(api GET "/api/v1/clones/$1" | jq -r .phase)
  case $p in COMPLETED|FAILED) echo "$p" ;; *) return 1 ;; esac
}
await_end() { # OPERATION SECONDS
  local t=$SECONDS
  until ended "$1" >/dev/null 2>&1; do
    [ $((SECONDS - t)) -le "$2" ] || die "operation $1 not ended within $2 s: $(api GET "/api/v1/clones/$1")"
    sleep 0.5
  done
  ended "$1"
}

MADE=()   # VM ids this run made (deleted at the end, also after a failure)
SOURCE_NAME=""
delete_made() { # the VMs this run made, and every clone of its guest (the portal's, after a failure)
  local id
  if [ -n "$SOURCE_NAME" ]; then
    for id in $(api GET /api/v1/vms | jq -r --arg s "$SOURCE_NAME-" '.[] | select(.name | startswith($s)) | .id'); do
      api DELETE "/api/v1/vms/$id" >/dev/null || true
    done
  fi
  for id in "${MADE[@]+"${MADE[@]}"}"; do api DELETE "/api/v1/vms/$id" >/dev/null || true; done
}

domains() { # every domain of both hosts
  virsh -q -c "$VIRSH_A" list --all --name; virsh -q -c "$VIRSH_B" list --all --name
}
files_of() { # OPERATION: files of the hosts' directories that carry this clone id
  find "$HOTCLONE_SHARED_DIR" "$HOTCLONE_HOST_A_DIR" "$HOTCLONE_HOST_B_DIR" -maxdepth 2 -name "*$1*" 2>/dev/null | sort
}
chain_of() { # DOMAIN on host-a: every file of its disks' backing chains
  local f
  for f in $(virsh -q -c "$VIRSH_A" domblklist "$1" --details | awk '$2 == "disk" {print $4}'); do
    qemu-img info -U --backing-chain --output=json "$f" | jq -r '.[].filename'
  done | sort -u
}
orphans_of() { # OPERATION: its files that no disk chain of the source uses
  comm -23 <(files_of "$1") <(chain_of "$SOURCE_NAME")
}

log "docker-compose up -d (project $PROJECT, clone-api on port $API_PORT)"
"${DC[@]}" up -d >/dev/null 2>&1 || { "${DC[@]}" up -d; die "docker-compose up failed"; }
await_healthy 420
step_done "up -d until all 7 healthy"

# --- the guest and the first clone ---------------------------------------------------------------
SOURCE_NAME="ct-$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
log "creating the agent guest $SOURCE_NAME on host-a"
SOURCE=$(api POST /api/v1/vms "{\"name\":\"$SOURCE_NAME\",\"host\":\"host-a\",\"memoryMiB\":128,\"diskMiB\":64,\"image\":\"agent\"}" | jq -r .id)
MADE+=("$SOURCE")
counter() { vm "$1" | jq -r '.guestCounter // -1'; }
ticks_past() { [ "$(counter "$1")" -ge "$2" ]; }
await 120 "$SOURCE_NAME ticks" ticks_past "$SOURCE" 3
step_done "agent guest created, ticking"

t=$SECONDS
OP1=$(api POST /api/v1/clones "{\"sourceVm\":\"$SOURCE\",\"targetHost\":\"host-b\",\"count\":1}" | jq -r .id)
PHASE=$(await_end "$OP1" 180)
OPJSON=$(api GET "/api/v1/clones/$OP1")
[ "$PHASE" = COMPLETED ] || die "clone $OP1 ended $PHASE: $OPJSON"
CLONE1=$(jq -r '.clones[0].vmId' <<< "$OPJSON")
MADE+=("$CLONE1")
CLONE1_JSON=$(vm "$CLONE1")
log "clone $OP1 COMPLETED in $((SECONDS - t)) s: $(jq -c '{name, host, state, guestIdentity: .guestIdentity.outcome}' <<< "$CLONE1_JSON")"
[ "$(jq -r .host <<< "$CLONE1_JSON")" = host-b ] || die "the clone is not on host-b: $CLONE1_JSON"
[ "$(jq -r .guestIdentity.outcome <<< "$CLONE1_JSON")" = APPLIED ] || die "identity not APPLIED: $(jq -c .guestIdentity <<< "$CLONE1_JSON")"
# the clone's guest continues from the cut: its first tick is the source's counter at the cut + 1
CLONE1_NAME=$(jq -r .name <<< "$CLONE1_JSON")
CLONE_LOG="$HOTCLONE_HOST_B_DIR/$CLONE1_NAME.serial.log"
first_tick() { grep -ao 'tick [0-9]*' "$1" | head -1 | cut -d' ' -f2; }
has_ticks() { [ -n "$(first_tick "$CLONE_LOG" 2>/dev/null)" ]; }
await 60 "the clone's serial log" has_ticks
FIRST=$(first_tick "$CLONE_LOG")
[ "$FIRST" -gt 1 ] || die "the clone started counting from $FIRST, not from the cut"
grep -aq "^tick $((FIRST - 1)) " "$HOTCLONE_HOST_A_DIR/$SOURCE_NAME.serial.log" \
  || die "the source never printed tick $((FIRST - 1)), the value at the cut"
await 60 "the clone ticking on" ticks_past "$CLONE1" $((FIRST + 2))
log "the clone's counter continues from the cut: source at the cut $((FIRST - 1)), clone's first tick $FIRST, now $(counter "$CLONE1")"
step_done "clone 1: COMPLETED, APPLIED, counter"

# --- the portal in a real browser, from the compose-started clone-api ------------------------------
if ! command -v chromium >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
[ -d portal-e2e/node_modules/playwright-core ] \
  || npm ci --prefix portal-e2e --no-audit --no-fund --loglevel=error >/dev/null
PORTAL_OUT="$WORK/portal-e2e.log"
if ! (cd portal-e2e && PORTAL_URL="$API/portal/" HOTCLONE_API_KEY="$ADMIN_KEY" SOURCE_VM="$SOURCE_NAME" \
      SCREENSHOT="$WORK/portal.png" CHROMIUM="$(command -v chromium)" timeout 300 node portal.e2e.mjs) \
      > "$PORTAL_OUT" 2>&1; then
  cat "$PORTAL_OUT" >&2
  die "the portal's browser test failed against the compose-started clone-api"
fi
for want in "reached COMPLETED over SSE" "shows the new clone as a descendant" "deleting the clone removes it"; do
  grep -q "$want" "$PORTAL_OUT" || { cat "$PORTAL_OUT" >&2; die "the portal's browser test did not show: $want"; }
done
log "portal: $(grep -c '^ok ' "$PORTAL_OUT") checks in headless Chromium, e.g. $(grep -m1 'reached COMPLETED' "$PORTAL_OUT")"
step_done "portal in headless Chromium"

# --- a service killed in the middle of a clone ---------------------------------------------------
OP2=$(api POST /api/v1/clones "{\"sourceVm\":\"$SOURCE\",\"targetHost\":\"host-b\",\"count\":1}" | jq -r .id)
t=$SECONDS
while true; do
  P=$(api GET "/api/v1/clones/$OP2" | jq -r .phase)
  case $P in
    REQUESTED) ;;
    COMPLETED|FAILED) die "clone $OP2 ended ($P) before $KILL could be killed in the middle" ;;
    *) break ;;
  esac
  [ $((SECONDS - t)) -le 60 ] || die "clone $OP2 did not leave REQUESTED"
  sleep 0.1
done
"${DC[@]}" kill "$KILL" >/dev/null 2>&1
log "killed $KILL while clone $OP2 was at $P; up -d again"
"${DC[@]}" up -d >/dev/null 2>&1
PHASE2=$(await_end "$OP2" 240)
OP2JSON=$(api GET "/api/v1/clones/$OP2")
log "clone $OP2 ended $PHASE2 $(jq -c '{failedStep, failureReason}' <<< "$OP2JSON")"
# the domains of this clone: named after its source, the clone id's first 8 digits and an index
domains_of() { domains | grep -e "-c${1:0:8}-" || true; }
if [ "$PHASE2" = COMPLETED ]; then
  CLONE2=$(jq -r '.clones[0].vmId' <<< "$OP2JSON")
  MADE+=("$CLONE2")
  CLONE2_NAME=$(vm "$CLONE2" | jq -r .name)
  [ "$(domains_of "$OP2")" = "$CLONE2_NAME" ] || die "domains of clone $OP2: '$(domains_of "$OP2")' (expected $CLONE2_NAME)"
  [ "$(virsh -q -c "$VIRSH_B" domstate "$CLONE2_NAME" | head -1)" = running ] || die "$CLONE2_NAME does not run"
  api DELETE "/api/v1/vms/$CLONE2" >/dev/null
fi
# FAILED: released within moments; COMPLETED: deleted above. Either way nothing of it remains
# but the files the source's own disk chain still reads
left() { [ -z "$(domains_of "$OP2")" ] && [ -z "$(orphans_of "$OP2")" ]; }
t=$SECONDS
until left; do
  [ $((SECONDS - t)) -le 60 ] || die "clone $OP2 left behind: domains [$(domains_of "$OP2" | tr '\n' ' ')] files [$(orphans_of "$OP2" | tr '\n' ' ')]"
  sleep 1
done
[ "$(virsh -q -c "$VIRSH_A" domstate "$SOURCE_NAME" | head -1)" = running ] || die "the source does not run"
log "nothing of clone $OP2 is left; the source runs"
step_done "clone 2: $KILL killed, $PHASE2, nothing left"

# --- down and up: the data is kept --------------------------------------------------------------
"${DC[@]}" down >/dev/null 2>&1
"${DC[@]}" up -d >/dev/null 2>&1
await_healthy 420
[ "$(api GET "/api/v1/clones/$OP1" | jq -r .phase)" = COMPLETED ] || die "operation $OP1 lost after down/up"
[ "$(api GET "/api/v1/clones/$OP2" | jq -r .phase)" = "$PHASE2" ] || die "operation $OP2 lost after down/up"
[ "$(vm "$CLONE1" | jq -r .state)" = RUNNING ] || die "clone $CLONE1 not RUNNING after down/up"
LINEAGE=$(api GET "/api/v1/vms/$CLONE1/lineage")
grep -q "$SOURCE" <<< "$LINEAGE" || die "lineage of $CLONE1 does not name its parent: $LINEAGE"
log "after down/up: operations $OP1 COMPLETED, $OP2 $PHASE2; clone RUNNING; lineage names the parent"
step_done "down, up -d: data kept"

# --- clean up -----------------------------------------------------------------------------------
api DELETE "/api/v1/vms/$CLONE1" >/dev/null
api DELETE "/api/v1/vms/$SOURCE" >/dev/null
MADE=()
gone() { ! domains | grep -qx -e "$SOURCE_NAME" -e "$CLONE1_NAME"; }
await 60 "the VMs deleted" gone
save_logs
"${DC[@]}" down -v --remove-orphans >/dev/null 2>&1
UP=false
step_done "deleted, down -v"
