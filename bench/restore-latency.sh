#!/usr/bin/env bash
# Time to a running clone against guest RAM (issue 24, part 4): restore -> first guest heartbeat for
# busybox guests whose init fills 60 % of their RAM with random bytes and then prints "hb N" every
# 10 ms. Per size one guest on host-a is booted and saved once (virDomainSave), then restored
# ROUNDS times from that image (virsh restore = virDomainRestore; the image in the page cache, as a
# clone's copied image on its host is); bench/restore-latency.py times the call and the first
# heartbeat line in the restored guest's serial log (1 ms poll).
#   usage: bench/restore-latency.sh [rounds] [sizes...]     (default 3 rounds, 128 1024 MiB)
#   HOTCLONE_WORK_DIR=<dir> (default <repo>/.work): where libvirt.env and the guest are.
# Prints a markdown section for bench/RESULTS.md and writes it to <repo>/.work/bench/restore-latency.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${HOTCLONE_WORK_DIR:-$ROOT/.work}
set -a; . "$WORK/libvirt.env"; set +a
ROUNDS=${1:-3}
shift $(( $# < 1 ? $# : 1 ))
SIZES=${*:-128 1024}
OUT="$ROOT/.work/bench/restore"
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 755 "$ROOT/.work" "$ROOT/.work/bench" "$OUT"
. "$ROOT/bench/lib.sh"
G=$(fill_guest "$OUT/guest" 1 10)
printf 'mib\tround\trestore_call_ms\tfirst_hb_ms\timage_mib\n' > "$OUT/rows.tsv"
for mib in $SIZES; do
  python3 "$ROOT/bench/restore-latency.py" "$HOTCLONE_LIBVIRT_SOURCE_URI" "$G" "$OUT/run" "$mib" "$ROUNDS" 10 | tee -a "$OUT/rows.tsv" >&2
done
{
  echo "## Restore → first guest heartbeat against guest RAM (bench/restore-latency.sh)"
  echo
  echo "- Date: $(date -u +%Y-%m-%d), machine: 2 cores, 24 GiB, Debian 12, QEMU 7.2 TCG ($(qemu-system-x86_64 --version | head -1); libvirt $(virsh --version))"
  echo "- Command: \`bench/restore-latency.sh $ROUNDS $SIZES\`; busybox guest whose init fills 60 % of its RAM with random bytes and prints \"hb N\" every 10 ms; saved once per size on host-a (virsh save), restored $ROUNDS times from that image (virsh restore, image in the page cache); first heartbeat = the first \"hb\" line in the restored guest's serial log (1 ms poll), from the start of the restore call."
  echo
  echo "| guest RAM | save image, MiB | restore call, ms | restore → first heartbeat, ms |"
  echo "|---|---|---|---|"
  for mib in $SIZES; do
    awk -v m="$mib" 'NR == 1 || $1 == m' "$OUT/rows.tsv" > "$OUT/rows-$mib.tsv"
    echo "| $mib MiB | $(tsv_stats "$OUT/rows-$mib.tsv" 5) | $(tsv_stats "$OUT/rows-$mib.tsv" 3) | $(tsv_stats "$OUT/rows-$mib.tsv" 4) |"
  done
  echo
  echo "Median (min–max) over $ROUNDS rounds."
} > "$OUT/../restore-latency.md"
cat "$OUT/../restore-latency.md"
