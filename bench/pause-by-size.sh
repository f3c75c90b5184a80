#!/bin/bash
# Source pause against guest memory size (issue 11): for 128, 512 and 1024 MiB guests whose init
# fills 60 % of their RAM with random bytes, the libvirt driver's two memory-freeze methods
# (LIVE_SNAPSHOT and BACKGROUND_SNAPSHOT, copy mode SHARED) side by side with the bare virsh recipe,
# all in this one run (bench/libvirt.sh once per size). The source pause twice: from the lifecycle
# events, and as the heartbeat gap (the guest prints "hb N" to its serial console every
# HOTCLONE_BENCH_HEARTBEAT_MS ms, default 10, 0 = off; the host stamps each line as it appears in
# the source's serial log; see bench/libvirt.sh and bench/heartbeat.py).
#   usage: bench/pause-by-size.sh [driver-rounds] [recipe-rounds] [sizes...]
# Prints a markdown section for bench/RESULTS.md and writes it to .work/bench/pause-by-size.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DRIVER_ROUNDS=${1:-3}
RECIPE_ROUNDS=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
SIZES=${*:-128 512 1024}
OUT="$ROOT/.work/bench"; mkdir -p "$OUT"
HB_MS=${HOTCLONE_BENCH_HEARTBEAT_MS:-10}
idle() { # file offset-of-the-heartbeat-columns -> "median / p99 / max" of the idle intervals
  echo "$(tsv_stats "$1" $(($2+5)) 1) / $(tsv_stats "$1" $(($2+6)) 1) / $(tsv_stats "$1" $(($2+7)) 1)"
}
one() { # file column -> the first round's value (the driver's per-run figures, the same in each round)
  tail -n +2 "$1" | head -1 | cut -f"$2"
}
. "$ROOT/bench/lib.sh"
for mib in $SIZES; do
  echo "=== $mib MiB" >&2
  HOTCLONE_BENCH_MEMORY_MIB=$mib HOTCLONE_BENCH_FILL=1 HOTCLONE_BENCH_DRIVER_MODES="SHARED BACKGROUND" HOTCLONE_BENCH_HEARTBEAT_MS=$HB_MS \
    bash "$ROOT/bench/libvirt.sh" "$DRIVER_ROUNDS" "$RECIPE_ROUNDS" > /dev/null
  rm -rf "$OUT/size-$mib"; mkdir -p "$OUT/size-$mib"
  cp "$OUT/driver.tsv" "$OUT/driver-background.tsv" "$OUT/recipe.tsv" "$OUT/libvirt-section.md" "$OUT/size-$mib/"
  [ "$HB_MS" = 0 ] || cp "$OUT"/driver*.hb*.txt "$OUT"/driver*.events.txt "$OUT"/hb-recipe-*.txt "$OUT/size-$mib/"
done
{
  echo "## Source pause against guest memory size (libvirt driver)"
  echo
  echo "- Date: $(date -u +%Y-%m-%d), machine: 2 cores, 24 GiB, Debian 12, Java 17, QEMU TCG, no KVM; libvirt $(virsh --version), $(qemu-system-x86_64 --version | head -1)"
  echo "- Command: \`bench/pause-by-size.sh $DRIVER_ROUNDS $RECIPE_ROUNDS $SIZES\` (busybox guest whose init fills 60 % of its RAM with random bytes at boot; per size $DRIVER_ROUNDS driver clones per method of one running source, host-a → host-b, copy mode SHARED; $RECIPE_ROUNDS recipe rounds, one host, a fresh source each)"
  echo "- Source pause = lifecycle events (Suspended → Resumed) of the source domain."
  if [ "$HB_MS" != 0 ]; then
    echo "- Heartbeat gap: the guest prints \"hb N\" to its serial console every $HB_MS ms (busybox usleep loop in the background, besides the tick loop); bench/heartbeat.py polls the source's serial log every 1 ms (at SCHED_FIFO priority 10) and stamps each line with the host's clock as it appears (the guest's own clocks stop with its vCPUs). The tables below say which intervals each figure takes."
  fi
  echo
  echo "| guest RAM | pause, live snapshot (driver) | pause, background snapshot (driver) | pause, virsh recipe | whole clone, live | whole clone, background | whole clone, recipe |"
  echo "|---|---|---|---|---|---|---|"
  for mib in $SIZES; do
    d="$OUT/size-$mib"
    echo "| $mib MiB | $(tsv_stats "$d/driver.tsv" 2) | $(tsv_stats "$d/driver-background.tsv" 2) | $(tsv_stats "$d/recipe.tsv" 2) | $(tsv_stats "$d/driver.tsv" 9) | $(tsv_stats "$d/driver-background.tsv" 9) | $(tsv_stats "$d/recipe.tsv" 4) |"
  done
  echo
  echo "Median (min–max), ms."
  if [ "$HB_MS" != 0 ]; then
    echo
    echo "Heartbeat gap, median (min–max) over the clone rounds, ms: at the pause = the longest interval between heartbeat arrivals overlapping Suspended − 50 ms … Resumed + 50 ms (the lifecycle events as \`virsh event\` received them); over the freeze call = the same over the whole freeze call ± 100 ms (recipe: snapshot-create-as; driver: freezeStorage + freezeMemory, which for the background snapshot includes the RAM save while the guest runs). Where the gap lies: before = Suspended − the last arrival before it, after = the first arrival after Resumed − Resumed (live / background / recipe)."
    echo
    echo "| guest RAM | gap at the pause, live (driver) | gap at the pause, background (driver) | gap at the pause, recipe | gap over the freeze call, live | gap over the freeze call, background | gap over the freeze call, recipe | before Suspended | after Resumed |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for mib in $SIZES; do
      d="$OUT/size-$mib"
      echo "| $mib MiB | $(tsv_stats "$d/driver.tsv" 15 1) | $(tsv_stats "$d/driver-background.tsv" 15 1) | $(tsv_stats "$d/recipe.tsv" 6 1) | $(tsv_stats "$d/driver.tsv" 16 1) | $(tsv_stats "$d/driver-background.tsv" 16 1) | $(tsv_stats "$d/recipe.tsv" 7 1) | $(tsv_stats "$d/driver.tsv" 27 1) / $(tsv_stats "$d/driver-background.tsv" 27 1) / $(tsv_stats "$d/recipe.tsv" 18 1) | $(tsv_stats "$d/driver.tsv" 28 1) / $(tsv_stats "$d/driver-background.tsv" 28 1) / $(tsv_stats "$d/recipe.tsv" 19 1) |"
    done
    echo
    echo "Heartbeat interval without a clone operation (the resolution of the gaps), ms: idle = the source's intervals before its first freeze call − 0.5 s, median / p99 / max (driver: one source per run, so one value; recipe: one source per round, median (min–max) over rounds); outside = all intervals outside every clone operation ± 0.5 s, also while the clones start on the same 2 cores, p99 / max; stamper stall = the longest time the 1 ms poll loop itself was not scheduled (> 5 ms) inside any freeze-call window of that size / just before a poll that stamped an end of a gap at the pause (how late those stamps may be)."
    echo
    echo "| guest RAM | idle, live run | idle, background run | idle, recipe | outside, live run | outside, background run | stamper stall |"
    echo "|---|---|---|---|---|---|---|"
    for mib in $SIZES; do
      d="$OUT/size-$mib"
      echo "| $mib MiB | $(one "$d/driver.tsv" 19) / $(one "$d/driver.tsv" 20) / $(one "$d/driver.tsv" 21) | $(one "$d/driver-background.tsv" 19) / $(one "$d/driver-background.tsv" 20) / $(one "$d/driver-background.tsv" 21) | $(idle "$d/recipe.tsv" 5) | $(one "$d/driver.tsv" 24) / $(one "$d/driver.tsv" 25) | $(one "$d/driver-background.tsv" 24) / $(one "$d/driver-background.tsv" 25) | $( { tail -n +2 "$d/driver.tsv" | cut -f18; tail -n +2 "$d/driver-background.tsv" | cut -f18; tail -n +2 "$d/recipe.tsv" | cut -f9; } | grep -v '^-$' | sort -g | tail -1) / $( { tail -n +2 "$d/driver.tsv" | cut -f29; tail -n +2 "$d/driver-background.tsv" | cut -f29; tail -n +2 "$d/recipe.tsv" | cut -f20; } | grep -v '^-$' | sort -g | tail -1) |"
    done
  fi
} > "$OUT/pause-by-size.md"
cat "$OUT/pause-by-size.md"
