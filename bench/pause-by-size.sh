#!/bin/bash
# Source pause against guest memory size (issue 11): for 128, 512 and 1024 MiB guests whose init
# fills 60 % of their RAM with random bytes, the libvirt driver's two memory-freeze methods
# (LIVE_SNAPSHOT and BACKGROUND_SNAPSHOT, copy mode SHARED) side by side with the bare virsh recipe,
# all in this one run (bench/libvirt.sh once per size).
#   usage: bench/pause-by-size.sh [driver-rounds] [recipe-rounds] [sizes...]
# Prints a markdown section for bench/RESULTS.md and writes it to .work/bench/pause-by-size.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DRIVER_ROUNDS=${1:-3}
RECIPE_ROUNDS=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
SIZES=${*:-128 512 1024}
OUT="$ROOT/.work/bench"; mkdir -p "$OUT"
stats() { # file column -> "median (min–max)"
  tail -n +2 "$1" | cut -f"$2" | sort -g | awk '{v[n++]=$1} END{m=(n%2)?v[(n-1)/2]:(v[n/2-1]+v[n/2])/2; printf "%.0f (%.0f–%.0f)", m, v[0], v[n-1]}'
}
for mib in $SIZES; do
  echo "=== $mib MiB" >&2
  HOTCLONE_BENCH_MEMORY_MIB=$mib HOTCLONE_BENCH_FILL=1 HOTCLONE_BENCH_DRIVER_MODES="SHARED BACKGROUND" \
    bash "$ROOT/bench/libvirt.sh" "$DRIVER_ROUNDS" "$RECIPE_ROUNDS" > /dev/null
  rm -rf "$OUT/size-$mib"; mkdir -p "$OUT/size-$mib"
  cp "$OUT/driver.tsv" "$OUT/driver-background.tsv" "$OUT/recipe.tsv" "$OUT/libvirt-section.md" "$OUT/size-$mib/"
done
{
  echo "## Source pause against guest memory size (libvirt driver)"
  echo
  echo "- Date: $(date -u +%Y-%m-%d), machine: 2 cores, 24 GiB, Debian 12, Java 17, QEMU TCG, no KVM; libvirt $(virsh --version), $(qemu-system-x86_64 --version | head -1)"
  echo "- Command: \`bench/pause-by-size.sh $DRIVER_ROUNDS $RECIPE_ROUNDS $SIZES\` (busybox guest whose init fills 60 % of its RAM with random bytes at boot; per size $DRIVER_ROUNDS driver clones per method of one running source, host-a → host-b, copy mode SHARED; $RECIPE_ROUNDS recipe rounds, one host, a fresh source each)"
  echo "- Source pause = lifecycle events (Suspended → Resumed) of the source domain."
  echo
  echo "| guest RAM | pause, live snapshot (driver) | pause, background snapshot (driver) | pause, virsh recipe | whole clone, live | whole clone, background | whole clone, recipe |"
  echo "|---|---|---|---|---|---|---|"
  for mib in $SIZES; do
    d="$OUT/size-$mib"
    echo "| $mib MiB | $(stats "$d/driver.tsv" 2) | $(stats "$d/driver-background.tsv" 2) | $(stats "$d/recipe.tsv" 2) | $(stats "$d/driver.tsv" 9) | $(stats "$d/driver-background.tsv" 9) | $(stats "$d/recipe.tsv" 4) |"
  done
  echo
  echo "Median (min–max), ms."
} > "$OUT/pause-by-size.md"
cat "$OUT/pause-by-size.md"
