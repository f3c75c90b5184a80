#!/usr/bin/env bash
# Fan-out on real VMs: one request with `count: N` (one freeze of the source, N clones) for N = 1, 4
# and 8, through devstack on the libvirt driver (the agent guest demo-1, 128 MiB, QEMU TCG, cloned
# host-a -> host-b), for each start parallelism of config-service (hotclone.config.start-parallelism),
# all in one run. Per request: request -> COMPLETED as the client sees it (polling every 20 ms), the
# operation's totalMillis and its copy-state and configure-clone step times; the clones are deleted
# after each request.
#   usage: bench/fanout.sh [rounds]     (default 2 per count and parallelism)
#   FANOUT_PARALLELISM="1 4" (default): the start parallelisms to compare; FANOUT_COUNTS="1 4 8".
#   FANOUT_SHARED_FS="plain" (default): the shared storage to run on, one or both of plain (a
#   directory of the root filesystem: each clone's memory image a byte copy) and xfs (an XFS
#   filesystem with reflinks mounted there by scripts/libvirt/setup.sh: each clone's image a reflink
#   of the frozen one). The shared storage is plain again at the end.
# Prints a markdown section for bench/RESULTS.md and writes it to .work/bench/fanout-section.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${1:-2}
PARALLELISMS=${FANOUT_PARALLELISM:-1 4}
SHARED_FSES=${FANOUT_SHARED_FS:-plain}
COUNTS=${FANOUT_COUNTS:-1 4 8}
OUT="$ROOT/.work/bench/fanout"
rm -rf "$OUT"; mkdir -p "$OUT"
mvn -B -ntp -q ${MVN_FLAGS:-} -DskipTests package

. bench/lib.sh

# fan_rounds API KEY P N: ROUNDS requests of count N, one line each to $OUT/$FS-p$P-n$N.txt:
#   client_ms total_ms copy_ms configure_ms
fan_rounds() {
  local api=$1 p=$3 n=$4 r out
  for r in $(seq "$ROUNDS"); do
    out=$(clone_and_wait "$api" "$2" "{\"sourceVm\":\"demo-1\",\"targetHost\":\"host-b\",\"count\":$n,\"leaseMillis\":120000}")
    printf '%s' "${out#*$'\t'}" | python3 -c '
import json, sys
op = json.load(sys.stdin); s = op.get("stepMillis") or {}
if op["phase"] != "COMPLETED": sys.exit(sys.argv[3] + ": " + json.dumps(op))
assert len(op["clones"]) == int(sys.argv[2]), "expected %s clones" % sys.argv[2]
print(sys.argv[1], op.get("totalMillis") or "-", s.get("copy-state", "-"), s.get("configure-clone", "-"))
open(sys.argv[4], "w").write("".join(c["vmId"] + "\n" for c in op["clones"]))
' "${out%%$'\t'*}" "$n" "parallelism $p count $n round $r" "$OUT/vms.txt" >> "$OUT/$FS-p$p-n$n.txt"
    while read -r vm; do curl -fsS -o /dev/null -H "X-API-Key: $2" -X DELETE "$api/api/v1/vms/$vm"; done < "$OUT/vms.txt"
    echo "$FS: parallelism $p count $n round $r: $(tail -1 "$OUT/$FS-p$p-n$n.txt")" >&2
  done
}

trap 'bash scripts/libvirt/setup.sh >/dev/null 2>&1 || true' EXIT # plain shared storage again
for FS in $SHARED_FSES; do
HOTCLONE_LIBVIRT_SHARED_FS=$FS bash scripts/libvirt/setup.sh >/dev/null
set -a; . .work/libvirt.env; set +a
echo "shared storage: $FS ($(df --output=fstype "$HOTCLONE_LIBVIRT_SHARED_DIR" | tail -1))" >&2
for p in $PARALLELISMS; do
  rm -rf "$OUT/devstack-data"
  HOTCLONE_LIBVIRT_SHARED_FS=$FS HOTCLONE_DATA_DIR="$OUT/devstack-data" HOTCLONE_NO_BUILD=1 bash scripts/devstack-libvirt.sh \
    --server.port=26080 --hotclone.config.start-parallelism="$p" > "$OUT/devstack-p$p.log" 2>&1 &
  DEVSTACK=$!
  trap 'kill $DEVSTACK 2>/dev/null || true; bash scripts/libvirt/setup.sh >/dev/null 2>&1 || true' EXIT
  for _ in $(seq 300); do grep -q "HotClone devstack is ready" "$OUT/devstack-p$p.log" && break; sleep 1; done
  grep -q "HotClone devstack is ready" "$OUT/devstack-p$p.log" || { tail -30 "$OUT/devstack-p$p.log"; exit 1; }
  sleep 5 # demo-1 boots to its first ticks
  KEY=$(api_key "$OUT/devstack-data/credentials/credentials.env")
  for n in $COUNTS; do fan_rounds http://127.0.0.1:26080 "$KEY" "$p" "$n"; done
  curl -fsS -o /dev/null -H "X-API-Key: $KEY" -X DELETE "http://127.0.0.1:26080/api/v1/vms/demo-1" || true
  kill $DEVSTACK; wait $DEVSTACK 2>/dev/null || true
  trap 'bash scripts/libvirt/setup.sh >/dev/null 2>&1 || true' EXIT
done
done

section="$ROOT/.work/bench/fanout-section.md"
{
  echo "## Fan-out on real VMs: \`count: N\` on libvirt (bench/fanout.sh)"
  echo
  echo "- Date: $(date -u +%F); machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, no KVM (QEMU TCG); libvirt $(virsh --version)"
  echo "- Command: \`FANOUT_SHARED_FS=\"$SHARED_FSES\" bench/fanout.sh $ROUNDS\` (start parallelisms: $PARALLELISMS; counts: $COUNTS); devstack on the libvirt driver, the agent guest demo-1 (128 MiB) cloned host-a -> host-b, one request per round, its clones deleted after it"
  echo
  echo "| shared storage | start parallelism | count | request -> COMPLETED, client (ms) | totalMillis (ms) | copy-state (ms) | configure-clone (ms) | totalMillis / count 1's |"
  echo "|---|---|---|---|---|---|---|---|"
  for fs in $SHARED_FSES; do
  for p in $PARALLELISMS; do
    one=$(median "$OUT/$fs-p$p-n1.txt" 2 2>/dev/null || echo "")
    for n in $COUNTS; do
      f="$OUT/$fs-p$p-n$n.txt"
      ratio=$(awk -v a="$(median "$f" 2)" -v b="$one" 'BEGIN{if (b > 0) printf "%.2f", a / b; else print "-"}')
      echo "| $fs | $p | $n | $(stats "$f" 1) | $(stats "$f" 2) | $(stats "$f" 3) | $(stats "$f" 4) | $ratio |"
    done
  done
  done
} > "$section"
cat "$section"
