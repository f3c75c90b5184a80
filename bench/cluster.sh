#!/usr/bin/env bash
# One clone of the running agent guest demo-1 (128 MiB, QEMU TCG) host-a -> host-b, through the five
# services as separate processes (scripts/cluster.sh: Kafka, PostgreSQL and each service its own
# JVM) side by side with devstack on libvirt (everything in one JVM), on the same two libvirt hosts,
# measured in the same run: request -> COMPLETED seen by the client (polling every 20 ms), the
# operation's own totalMillis, the source pause from libvirt lifecycle events, and the time the
# clone's guest took to get its identity (restore -> link up, from the event's identity steps).
#   usage: bench/cluster.sh [rounds]     (default 5 per topology)
# Prints a markdown section for bench/RESULTS.md and writes it to .work/bench/cluster-section.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${1:-5}
OUT="$ROOT/.work/bench/cluster"
rm -rf "$OUT"; mkdir -p "$OUT"
bash scripts/libvirt/setup.sh >/dev/null
set -a; . .work/libvirt.env; set +a
mvn -B -ntp -q -DskipTests package

. bench/lib.sh

# clone_rounds API_PORT LABEL KEY: ROUNDS clones of demo-1, one line per round:
#   client_ms total_ms pause_us vm_id link_up_ms
clone_rounds() {
  local api="http://127.0.0.1:$1" label=$2 r out body
  for r in $(seq "$ROUNDS"); do
    out=$(clone_and_wait "$api" "$3" '{"sourceVm":"demo-1","targetHost":"host-b","count":1,"leaseMillis":60000}')
    body=${out#*$'\t'}
    printf '%s' "$body" | python3 -c '
import json, sys
op = json.load(sys.stdin); client = int(sys.argv[1])
if op["phase"] != "COMPLETED": sys.exit(sys.argv[2] + ": " + json.dumps(op))
c = op["clones"][0]
up = [s["atMillis"] for s in c.get("identitySteps") or [] if s["name"] == "link-up" and s["status"] == "APPLIED"]
print(client, op.get("totalMillis") or "-", op.get("sourcePauseMicros") or "-", c["vmId"], up[0] if up else "-")
' "${out%%$'\t'*}" "$label round $r" >> "$OUT/$label.txt"
    vm=$(tail -1 "$OUT/$label.txt" | awk '{print $4}')
    curl -fsS -o /dev/null -H "X-API-Key: $3" -X DELETE "$api/api/v1/vms/$vm"
  done
}

# --- the cluster: every component its own process -----------------------------------------------
export HOTCLONE_CLUSTER_DIR="$OUT/cluster-data" HOTCLONE_CLUSTER_API_PORT=26100 \
  HOTCLONE_CLUSTER_STORAGE_PORT=26101 HOTCLONE_CLUSTER_MEMORY_PORT=26102 \
  HOTCLONE_CLUSTER_TRANSFER_PORT=26103 HOTCLONE_CLUSTER_CONFIG_PORT=26104 \
  HOTCLONE_CLUSTER_KAFKA_PORT=26392 HOTCLONE_CLUSTER_PG_PORT=26432
bash scripts/cluster.sh up > "$OUT/cluster-up.log" 2>&1
sleep 5 # demo-1 boots to its first ticks
clone_rounds 26100 cluster "$(api_key "$HOTCLONE_CLUSTER_DIR/credentials/credentials.env")"
bash scripts/cluster.sh down --delete-demo > "$OUT/cluster-down.log" 2>&1

# --- devstack on libvirt: one JVM ---------------------------------------------------------------
HOTCLONE_DATA_DIR="$OUT/devstack-data" java -jar devstack/target/devstack-0.1.0-SNAPSHOT.jar \
  --server.port=26080 \
  --hotclone.hypervisor.driver=libvirt \
  --hotclone.hypervisor.hosts.host-a="$HOTCLONE_LIBVIRT_SOURCE_URI" \
  --hotclone.hypervisor.hosts.host-b="$HOTCLONE_LIBVIRT_TARGET_URI" \
  --hotclone.hypervisor.storage-dir="$HOTCLONE_LIBVIRT_SHARED_DIR" \
  --hotclone.hypervisor.host-dirs.host-a="$HOTCLONE_LIBVIRT_HOST_A_DIR" \
  --hotclone.hypervisor.host-dirs.host-b="$HOTCLONE_LIBVIRT_HOST_B_DIR" \
  --hotclone.hypervisor.guest-dir="$HOTCLONE_GUEST_DIR" > "$OUT/devstack.log" 2>&1 &
DEVSTACK=$!
trap 'kill $DEVSTACK 2>/dev/null || true' EXIT
for _ in $(seq 300); do grep -q "HotClone devstack is ready" "$OUT/devstack.log" && break; sleep 1; done
grep -q "HotClone devstack is ready" "$OUT/devstack.log" || { tail -30 "$OUT/devstack.log"; exit 1; }
sleep 5
DEVSTACK_KEY=$(api_key "$OUT/devstack-data/credentials/credentials.env")
clone_rounds 26080 devstack "$DEVSTACK_KEY"
curl -fsS -o /dev/null -H "X-API-Key: $DEVSTACK_KEY" -X DELETE "http://127.0.0.1:26080/api/v1/vms/demo-1" || true
kill $DEVSTACK; wait $DEVSTACK 2>/dev/null || true
trap - EXIT

section="$ROOT/.work/bench/cluster-section.md"
{
  echo "## Separate processes vs one JVM, libvirt (bench/cluster.sh)"
  echo
  echo "- Date: $(date -u +%F); machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, no KVM (QEMU TCG)"
  echo "- Command: \`bench/cluster.sh $ROUNDS\`; the agent guest demo-1 (128 MiB) cloned host-a -> host-b, $ROUNDS rounds each, the clone deleted after each round"
  echo
  echo "| topology | request -> COMPLETED, client (ms, median (min-max)) | operation totalMillis (ms) | source pause (µs) | clone restore -> identity applied, link up (ms) |"
  echo "|---|---|---|---|---|"
  echo "| cluster: 7 processes (scripts/cluster.sh) | $(stats "$OUT/cluster.txt" 1) | $(stats "$OUT/cluster.txt" 2) | $(stats "$OUT/cluster.txt" 3) | $(stats "$OUT/cluster.txt" 5) |"
  echo "| devstack on libvirt: 1 JVM | $(stats "$OUT/devstack.txt" 1) | $(stats "$OUT/devstack.txt" 2) | $(stats "$OUT/devstack.txt" 3) | $(stats "$OUT/devstack.txt" 5) |"
} > "$section"
cat "$section"
