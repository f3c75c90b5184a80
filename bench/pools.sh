#!/usr/bin/env bash
# Warm clone pools next to fresh hot clones, in one run per driver (bench/pools.py does the calls):
# claim latency against a fresh hot clone of the same VM, a pool refilled from empty against single
# clones one after another, and concurrent claims against a full pool.
#   usage: bench/pools.sh [rounds]          (default 10 rounds of claim + fresh clone)
#   POOLS_DRIVERS="embedded libvirt" (default): devstack on the embedded driver (a 16 MiB VM made for
#   the run) and on libvirt (the agent guest demo-1, 128 MiB, QEMU TCG; needs root).
#   POOLS_REFILL (default 8), POOLS_CONCURRENT (default 50; 0 on libvirt unless POOLS_LIBVIRT_CONCURRENT).
# Prints a markdown section for bench/RESULTS.md and writes it to .work/bench/pools-section.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${1:-10}
DRIVERS=${POOLS_DRIVERS:-embedded libvirt}
REFILL=${POOLS_REFILL:-8}
OUT="$ROOT/.work/bench/pools"
rm -rf "$OUT"; mkdir -p "$OUT"
mvn -B -ntp -q ${MVN_FLAGS:-} -DskipTests install
. bench/lib.sh

DEVSTACK=
# stops devstack; on libvirt also removes what a run that stopped half-way left: demo-1 and its
# clones (named demo-1-c<clone>-<i>) on both hosts
stop_devstack() {
  [ -z "$DEVSTACK" ] || { kill "$DEVSTACK" 2>/dev/null || true; wait "$DEVSTACK" 2>/dev/null || true; DEVSTACK=; }
  [ -f .work/libvirt.env ] || return 0
  set -a; . .work/libvirt.env; set +a
  for uri in "$HOTCLONE_LIBVIRT_SOURCE_URI" "$HOTCLONE_LIBVIRT_TARGET_URI"; do
    for d in $(virsh -c "$uri" list --all --name 2>/dev/null | grep '^demo-1'); do
      virsh -c "$uri" destroy "$d" >/dev/null 2>&1 || true
      virsh -c "$uri" undefine "$d" >/dev/null 2>&1 || true
    done
  done
}
trap stop_devstack EXIT

# start DRIVER: devstack on a throw-away data dir, port 26081; waits until it is ready
start() {
  rm -rf "$OUT/data-$1"
  if [ "$1" = libvirt ]; then
    HOTCLONE_DATA_DIR="$OUT/data-$1" HOTCLONE_NO_BUILD=1 bash scripts/devstack-libvirt.sh --server.port=26081 > "$OUT/devstack-$1.log" 2>&1 &
  else
    HOTCLONE_DATA_DIR="$OUT/data-$1" java -jar devstack/target/devstack-0.1.0-SNAPSHOT.jar --server.port=26081 > "$OUT/devstack-$1.log" 2>&1 &
  fi
  DEVSTACK=$!
  for _ in $(seq 300); do grep -q "HotClone devstack is ready" "$OUT/devstack-$1.log" && break; sleep 1; done
  grep -q "HotClone devstack is ready" "$OUT/devstack-$1.log" || { tail -30 "$OUT/devstack-$1.log"; exit 1; }
}

: > "$OUT/rows.md"
for d in $DRIVERS; do
  start "$d"
  KEY=$(api_key "$OUT/data-$d/credentials/credentials.env")
  API=http://127.0.0.1:26081
  if [ "$d" = libvirt ]; then
    sleep 5 # demo-1 boots to its first ticks
    SOURCE=demo-1 CONCURRENT=${POOLS_LIBVIRT_CONCURRENT:-0}
  else
    SOURCE=pool-src CONCURRENT=${POOLS_CONCURRENT:-50}
    curl -fsS -o /dev/null -X POST "$API/api/v1/vms" -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
      -d '{"name":"pool-src","host":"host-a","memoryMiB":16,"diskMiB":64}'
  fi
  python3 bench/pools.py "$API" "$KEY" "$d" "$SOURCE" "$ROUNDS" "$REFILL" "$CONCURRENT" host-b | tee -a "$OUT/rows.md"
  [ "$d" != libvirt ] || curl -fsS -o /dev/null -H "X-API-Key: $KEY" -X DELETE "$API/api/v1/vms/demo-1" || true
  stop_devstack
done

section="$ROOT/.work/bench/pools-section.md"
{
  echo "## Warm clone pools next to fresh hot clones (bench/pools.sh)"
  echo
  echo "- Date: $(date -u +%F); machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, no KVM (QEMU TCG)"
  echo "- Command: \`POOLS_DRIVERS=\"$DRIVERS\" bench/pools.sh $ROUNDS\`; devstack (one JVM, real Kafka and PostgreSQL) per driver; latencies as the HTTP client sees them on loopback; each claim from a pool with a ready clone, each fresh clone to host-b, interleaved in one run"
  echo
  echo "| driver | measurement | result |"
  echo "|---|---|---|"
  cat "$OUT/rows.md"
} > "$section"
cat "$section"
