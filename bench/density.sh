#!/usr/bin/env bash
# Memory density of clones (issue 24, part 3): the host memory that N idle clones of ONE freeze of
# a guest add on one host, without and with KSM (kernel same-page merging; QEMU marks guest RAM
# mergeable by default), in one run.
#  - source: the busybox guest with DENSITY_MEMORY_MIB (default 256) MiB of RAM whose init fills
#    60 % of it with random bytes, on host-a; one freeze; N (DENSITY_CLONES, default 8) copies of its
#    state and N clones defined on host-b through the driver's SPI (LibvirtDensityBenchIT); the
#    source is then destroyed (so its RAM is neither counted nor merged with the clones');
#  - baseline /proc/meminfo with KSM off, then the N clones started; after DENSITY_SETTLE_S (15) s:
#    MemAvailable / MemFree deltas and the sum of the N QEMU processes' PSS (smaps_rollup);
#  - then per KSM setting (DENSITY_KSM_SETTINGS, default "100/20 1000/20" = pages_to_scan /
#    sleep_millisecs): run=1, sampled every DENSITY_SAMPLE_S (3) s until the clones' merged pages
#    (/proc/PID/ksm_merging_pages) and their PSS sum level off (two full scans, < 0.5 % over 5 samples), the same
#    figures there, ksmd's CPU time (/proc/PID/stat) over that time; run=2 (unmerge) before the next.
#  KSM's run / pages_to_scan / sleep_millisecs are restored at the end, also on failure (run=2 first).
#   usage: bench/density.sh            (needs root: writes /sys/kernel/mm/ksm)
#   HOTCLONE_WORK_DIR=<dir> (default <repo>/.work): where .work/libvirt.env and the guest are (the
#   libvirt test hosts that scripts/libvirt/setup.sh made); outputs go to <repo>/.work/bench/density.
# Prints a markdown section for bench/RESULTS.md and writes it to <repo>/.work/bench/density-section.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${HOTCLONE_WORK_DIR:-$ROOT/.work}
set -a; . "$WORK/libvirt.env"; set +a
MEM_MIB=${DENSITY_MEMORY_MIB:-256}
CLONES=${DENSITY_CLONES:-8}
SETTINGS=${DENSITY_KSM_SETTINGS:-100/20 1000/20}
OUT="$ROOT/.work/bench/density"
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 755 "$ROOT/.work" "$ROOT/.work/bench" "$OUT"
. "$ROOT/bench/lib.sh"
export HOTCLONE_GUEST_DIR
HOTCLONE_GUEST_DIR=$(fill_guest "$OUT/guest" 1 0)

K=/sys/kernel/mm/ksm
OLD_RUN=$(cat $K/run) OLD_SCAN=$(cat $K/pages_to_scan) OLD_SLEEP=$(cat $K/sleep_millisecs)
MVN_PID=
restore() {
  touch "$OUT/done" # the benchmark test destroys its clones once it sees it
  [ -z "$MVN_PID" ] || wait "$MVN_PID" 2>/dev/null || true
  echo 2 > $K/run
  for _ in $(seq 600); do [ "$(cat $K/pages_shared)$(cat $K/pages_sharing)" = 00 ] && break; sleep 0.5; done
  echo "$OLD_SCAN" > $K/pages_to_scan; echo "$OLD_SLEEP" > $K/sleep_millisecs; echo "$OLD_RUN" > $K/run
}
trap restore EXIT

(cd "$ROOT" && mvn -B -q -o -pl hypervisor verify -Plibvirt -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
   -Dit.test=LibvirtDensityBenchIT -Dhotclone.bench.density=true -Dhotclone.bench.clones="$CLONES" \
   -Dhotclone.bench.memoryMiB="$MEM_MIB" -Dhotclone.bench.dir="$OUT" > "$OUT/mvn.log" 2>&1) &
MVN_PID=$!
# shellcheck disable=SC2086
python3 "$ROOT/bench/density.py" "$OUT" $SETTINGS || { tail -40 "$OUT/mvn.log" >&2; exit 1; }
wait "$MVN_PID" || { MVN_PID=; tail -40 "$OUT/mvn.log" >&2; exit 1; }
MVN_PID=
grep DENSITY "$OUT/mvn.log" >&2 || true

python3 - "$OUT/results.json" "$MEM_MIB" "$CLONES" "$SETTINGS" > "$OUT/../density-section.md" <<'PY'
import json, subprocess, sys, time
r = json.load(open(sys.argv[1])); mib = int(sys.argv[2]); n = int(sys.argv[3])
goal = 2 * mib; full = n * mib
def q(cmd): return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
print("## Clones of one freeze sharing memory: KSM (bench/density.sh)")
print()
print(f"- Date: {time.strftime('%Y-%m-%d', time.gmtime())}, machine: 2 cores, 24 GiB, Debian 12, QEMU 7.2 TCG (kernel {q('uname -r')}; {q('qemu-system-x86_64 --version | head -1')})")
print(f"- Command: `bench/density.sh` (DENSITY_MEMORY_MIB={mib}, DENSITY_CLONES={n}, DENSITY_KSM_SETTINGS=\"{sys.argv[4]}\")")
print(f"- Busybox guest, {mib} MiB RAM, its init fills 60 % of it with random bytes; one running source on host-a, one freeze "
      f"(live snapshot, copy mode SHARED), {n} clones restored on host-b (same machine), the source destroyed before the baseline. "
      f"Baseline = /proc/meminfo with KSM off before the {n} clones start ({r['start_all_s']:.0f} s to start all, one after another, each to its first tick). "
      "Added memory = the sum of the clones' QEMU PSS (smaps_rollup; KSM pages divided among the processes that map them) "
      "and MemAvailable's drop from the baseline (machine-wide: other engineers' processes on this shared machine move it too). "
      "Plateau = two full KSM scans done, the clones' merged pages (/proc/PID/ksm_merging_pages) grew < 0.5 % and their PSS sum fell < 0.5 % over the last 5 samples "
      "(one every 3 s); time to plateau = first sample with ≥ 99 % of those merged pages and a PSS sum within 1 % of the plateau's; ksmd CPU = utime+stime of the ksmd thread over that time.")
print()
print(f"| {n} idle clones | PSS sum, MiB | × one guest's RAM | MemAvailable drop, MiB (page cache change) | clones' merged pages, MiB | time to plateau, s | ksmd CPU to plateau, s (% of one core) |")
print("|---|---|---|---|---|---|---|")
a = r['no_ksm']
print(f"| KSM off | {a['pss_sum_mib']:.0f} | {a['pss_sum_mib']/mib:.2f} | {a['mem_available_delta_mib']:.0f} ({a['cached_delta_mib']:+.0f}) | - | - | - |")
for s in r['settings']:
    pct = 100 * s['plateau_cpu_s'] / s['plateau_s'] if s['plateau_s'] else 0
    to = ' (timed out)' if s.get('timed_out') else ''
    print(f"| KSM on, pages_to_scan {s['pages_to_scan']}, sleep_millisecs {s['sleep_millisecs']} | {s['pss_sum_mib']:.0f} | {s['pss_sum_mib']/mib:.2f} | "
          f"{s['mem_available_delta_mib']:.0f} ({s['cached_delta_mib']:+.0f}) | {s['clones_merging_mib']:.0f} | {s['plateau_s']:.0f}{to} | {s['plateau_cpu_s']:.1f} ({pct:.0f} %) |")
print()
best = min(s['pss_sum_mib'] for s in r['settings']) if r['settings'] else a['pss_sum_mib']
print(f"Against {n} × {mib} MiB = {full} MiB: without KSM the clones add {a['pss_sum_mib']:.0f} MiB PSS; with KSM {best:.0f} MiB. "
      f"Goal ≤ 2 × {mib} MiB = {goal} MiB: {'met' if best <= goal else 'not met'} (PSS). "
      "After each KSM setting, run=2 unmerged everything before the next (the write took "
      + ", ".join(f"{s['unmerge_s']:.1f} s, PSS sum 3 s later {s['after_unmerge']['pss_sum_mib']:.0f} MiB" for s in r['settings']) + "). "
      f"Per clone without KSM: {', '.join(str(x) for x in a['pss_each_mib'])} MiB PSS; at the last setting's plateau: "
      f"{', '.join(str(x) for x in r['settings'][-1]['pss_each_mib']) if r['settings'] else '-'} MiB.")
PY
cat "$OUT/../density-section.md"
