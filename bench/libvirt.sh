#!/bin/bash
# Benchmark of the libvirt driver: source pause and whole clone time of a running 128 MiB busybox
# guest (QEMU TCG), through the driver (host-a -> host-b, SPI calls from Java; copy modes SHARED
# and STREAM, one run each) side by side with
# the bare virsh recipe (live snapshot, qemu-img overlay, XML patch of the save image, restore;
# one host, no copy) measured in the same run.
# The driver runs with both memory-freeze methods: LIVE_SNAPSHOT (copy modes SHARED and STREAM) and
# BACKGROUND_SNAPSHOT (copy mode SHARED; needs userfaultfd for QEMU, see README).
#   usage: bench/libvirt.sh [driver-rounds] [recipe-rounds]
# HOTCLONE_BENCH_MEMORY_MIB=<MiB> (default 128): the guests' RAM, driver and recipe alike.
# HOTCLONE_BENCH_FILL=1: the guests fill 60 % of their RAM with random bytes at boot (a copy of the
#   busybox guest whose init does so, built under .work/bench), so the memory to save is real data.
# HOTCLONE_BENCH_HEARTBEAT_MS=<ms> (default 0 = off, so runs stay comparable with the earlier
#   sections; bench/pause-by-size.sh uses 10): the guests also print "hb N" to the serial console
#   every <ms> ms from a background loop (busybox usleep), and bench/heartbeat.py stamps each line
#   with the host's clock as QEMU writes it to the source's serial log (1 ms poll, SCHED_FIFO). Per clone round:
#   the heartbeat gap, the longest interval between arrivals overlapping the source's Suspended -
#   50 ms .. Resumed + 50 ms (and over the whole freeze call +- 100 ms), next to the intervals
#   without a clone operation (median, p99, max) -- the guest's view of its stall, timed by the
#   host since the guest's clocks stop with its vCPUs. Columns: HB_HEAD below, bench/heartbeat.py.
# HOTCLONE_BENCH_DRIVER_MODES="SHARED STREAM BACKGROUND" (default): which driver runs to make; also
#   REMOTE_LIVE and REMOTE_BACKGROUND: the source on host-b, reached over qemu+tcp (the background
#   snapshot then goes through libvirt's save), its clones on host-a.
# HOTCLONE_LIBVIRT_ENV=<file>: use the hosts that file describes instead of running setup.sh here.
# Prints a markdown section for bench/RESULTS.md and writes it to .work/bench/libvirt-section.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DRIVER_ROUNDS=${1:-5}
RECIPE_ROUNDS=${2:-3}
if [ -n "${HOTCLONE_LIBVIRT_ENV:-}" ]; then
  set -a; . "$HOTCLONE_LIBVIRT_ENV"; set +a
else
  bash "$ROOT/scripts/libvirt/setup.sh" >/dev/null
  set -a; . "$ROOT/.work/libvirt.env"; set +a
fi
OUT="$ROOT/.work/bench"; mkdir -p "$OUT"; chmod 755 "$OUT"
MEM_MIB=${HOTCLONE_BENCH_MEMORY_MIB:-128}
MODES=${HOTCLONE_BENCH_DRIVER_MODES:-SHARED STREAM BACKGROUND}
FILL=${HOTCLONE_BENCH_FILL:-0}
HB_MS=${HOTCLONE_BENCH_HEARTBEAT_MS:-0}
HB="$ROOT/bench/heartbeat.py"
if [ "$FILL" = 1 ] || [ "$HB_MS" != 0 ]; then
  # the busybox guest, its init (before "BOOTED" and the tick loop) filling 60 % of MemTotal with
  # random bytes (FILL) and then starting the heartbeat loop (HB_MS)
  G="$OUT/guest-bench"; rm -rf "$G"; mkdir -p "$G/root"; chmod 755 "$G"
  (cd "$G/root" && zcat "$HOTCLONE_GUEST_DIR/initrd.gz" | busybox cpio -id 2>/dev/null)
  python3 - "$G/root/init" "$FILL" "$HB_MS" <<'PY'
import sys
p, fill_on, hb_ms = sys.argv[1], sys.argv[2] == '1', int(sys.argv[3])
s = open(p).read(); marker = 'echo "BOOTED'
fill = ("fill=$(awk '/MemTotal/{print int($2*6/10/1024)}' /proc/meminfo)\n"
        "dd if=/dev/urandom of=/fill bs=1M count=$fill 2>/dev/null; echo \"FILLED $fill MiB\"\n") if fill_on else ''
hb = ("(h=0; while true; do h=$((h+1)); echo \"hb $h\"; usleep %d; done) &\n" % (hb_ms * 1000)) if hb_ms else ''
assert marker in s; open(p, 'w').write(s.replace(marker, fill + hb + marker, 1))
PY
  (cd "$G/root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$G/initrd.gz"
  cp "$HOTCLONE_GUEST_DIR/vmlinuz" "$G/vmlinuz"; rm -rf "$G/root"; chmod 644 "$G/initrd.gz" "$G/vmlinuz"
  export HOTCLONE_GUEST_DIR="$G"
fi
V="virsh -c $HOTCLONE_LIBVIRT_SOURCE_URI"
now() { date +%s.%N; }
# hb_columns STAMPS WINDOWS EVENTS DOMAIN_GLOB -> per window line the 15 heartbeat columns (HB_HEAD;
# bench/heartbeat.py says what each is)
hb_columns() { python3 "$HB" gaps "$@" | cut -f2-; }
HB_HEAD=$(printf 'hb_gap_pause_ms\thb_gap_call_ms\tevent_pause_ms\thb_stamper_stall_ms\thb_idle_median_ms\thb_idle_p99_ms\thb_idle_max_ms\thb_idle_n\thb_out_median_ms\thb_out_p99_ms\thb_out_max_ms\thb_out_n\thb_before_suspended_ms\thb_after_resumed_ms\thb_gap_end_stall_ms')
HB_NONE=$(printf -- '-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-')
ms() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.0f", (b-a)*1000}'; }

# ---- the bare recipe (reference steps) ---------------------------------------------------------
recipe_round() {
  local r=$1 W="$OUT/recipe-$1" name="hc-recipe-src-$1" clone="hc-recipe-clone-$1"
  rm -rf "$W"; mkdir -p "$W"; chmod 755 "$W"
  qemu-img create -q -f qcow2 "$W/disk.qcow2" 64M
  python3 - "$W" "$name" "$HOTCLONE_GUEST_DIR" "$MEM_MIB" > "$W/src.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
w, name, guest, mib = sys.argv[1:5]
d = ET.Element('domain', type='qemu'); ET.SubElement(d, 'name').text = name
ET.SubElement(d, 'memory', unit='MiB').text = mib; ET.SubElement(d, 'vcpu').text = '1'
os_ = ET.SubElement(d, 'os'); ET.SubElement(os_, 'type', arch='x86_64', machine='pc').text = 'hvm'
ET.SubElement(os_, 'kernel').text = guest + '/vmlinuz'; ET.SubElement(os_, 'initrd').text = guest + '/initrd.gz'
ET.SubElement(os_, 'cmdline').text = 'console=ttyS0 quiet'; ET.SubElement(d, 'on_reboot').text = 'destroy'
dev = ET.SubElement(d, 'devices')
disk = ET.SubElement(dev, 'disk', type='file', device='disk'); ET.SubElement(disk, 'driver', name='qemu', type='qcow2')
ET.SubElement(disk, 'source', file=w + '/disk.qcow2'); ET.SubElement(disk, 'target', dev='vda', bus='virtio')
nic = ET.SubElement(dev, 'interface', type='user'); ET.SubElement(nic, 'mac', address='52:54:00:cc:00:01'); ET.SubElement(nic, 'model', type='virtio')
for tag in ('serial', 'console'):
    s = ET.SubElement(dev, tag, type='file'); ET.SubElement(s, 'source', path=w + '/src-serial.log')
    ET.SubElement(s, 'target', **({'port': '0'} if tag == 'serial' else {'type': 'serial', 'port': '0'}))
ET.SubElement(ET.SubElement(dev, 'video'), 'model', type='none'); ET.SubElement(dev, 'memballoon', model='none')
print(ET.tostring(d, encoding='unicode'))
PY
  (stdbuf -oL $V event --all --loop --timestamp > "$W/events.log" 2>&1 & echo $! > "$W/event.pid")
  [ "$HB_MS" = 0 ] || (python3 "$HB" follow "$W/src-serial.log" "$W/hb.txt" & echo $! > "$W/hb.pid")
  $V create "$W/src.xml" >/dev/null
  for _ in $(seq 1800); do grep -q 'tick 3 ' "$W/src-serial.log" 2>/dev/null && break; sleep 0.1; done
  local t0 t1 t2
  t0=$(now)
  $V snapshot-create-as "$name" --no-metadata --live --atomic --memspec "file=$W/mem.img,snapshot=external" \
     --diskspec "vda,snapshot=external,file=$W/src-top.qcow2" >/dev/null
  t1=$(now)
  qemu-img create -q -f qcow2 -b "$W/disk.qcow2" -F qcow2 "$W/clone.qcow2"
  $V save-image-dumpxml "$W/mem.img" > "$W/img.xml"
  python3 - "$W" "$name" "$clone" <<'PY'
import struct, sys, shutil, uuid, xml.etree.ElementTree as ET
w, name, clone = sys.argv[1:4]
t = ET.parse(w + '/img.xml'); d = t.getroot()
d.find('name').text = clone; d.find('uuid').text = str(uuid.uuid4())
d.find('devices/interface/mac').set('address', '52:54:00:cc:00:02')
for s in d.findall('devices/*/source[@path]'): s.set('path', w + '/clone-serial.log')
disk = d.find("devices/disk"); disk.find('source').set('file', w + '/clone.qcow2')
b = disk.find('backingStore')
if b is not None: disk.remove(b)
x = ET.tostring(d, encoding='unicode').encode()
with open(w + '/mem.img', 'rb') as f, open(w + '/clone-mem.img', 'wb') as o:
    h = bytearray(f.read(92)); assert h[:16] == b'LibvirtQemudSave'
    ver, dlen, run, comp, coff = struct.unpack_from('<5I', h, 16)
    data = f.read(dlen); cookie = data[coff:].split(b'\0', 1)[0] if coff else b''
    nd = x + b'\0' + (cookie + b'\0' if coff else b''); assert len(nd) <= dlen
    struct.pack_into('<I', h, 32, len(x) + 1 if coff else 0)
    o.write(h); o.write(nd + b'\0' * (dlen - len(nd))); shutil.copyfileobj(f, o, 1 << 24)
PY
  $V restore "$W/clone-mem.img" >/dev/null
  t2=$(now)
  for _ in $(seq 100); do grep -q 'tick' "$W/clone-serial.log" 2>/dev/null && break; sleep 0.1; done
  sleep 0.3
  kill "$(cat "$W/event.pid")" 2>/dev/null || true
  local hb=$HB_NONE
  if [ "$HB_MS" != 0 ]; then
    kill "$(cat "$W/hb.pid")" 2>/dev/null || true; sleep 0.1
    awk -v r="$r" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN{printf "%s %.0f %.0f %.0f\n", r, a*1e9, b*1e9, c*1e9}' > "$W/hb-windows.txt"
    hb=$(hb_columns "$W/hb.txt" "$W/hb-windows.txt" "$W/events.log" "$name")
    cp "$W/hb.txt" "$OUT/hb-recipe-$r.txt"; cp "$W/hb-windows.txt" "$OUT/hb-recipe-$r-windows.txt"; cp "$W/events.log" "$OUT/hb-recipe-$r-events.txt"
  fi
  local pause
  pause=$(awk -v n="'$name'" '$0 ~ n && /Suspended/ && !s {s=$2} $0 ~ n && /Resumed/ && s && !r {r=$2}
           END{split(s,a,":"); split(r,b,":"); sub(/\+.*/,"",a[3]); sub(/\+.*/,"",b[3]);
               printf "%.0f", ((b[1]*3600+b[2]*60+b[3])-(a[1]*3600+a[2]*60+a[3]))*1000}' "$W/events.log")
  local first; first=$(grep -m1 -o 'tick [0-9]*' "$W/clone-serial.log" | cut -d' ' -f2 || echo 0)
  $V destroy "$clone" >/dev/null 2>&1 || true
  $V destroy "$name" >/dev/null 2>&1 || true
  rm -rf "$W"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$pause" "$(ms "$t0" "$t1")" "$(ms "$t0" "$t2")" "$first" "$hb"
}

echo "recipe: $RECIPE_ROUNDS rounds" >&2
printf 'round\tpause_ms\tsnapshot_ms\twhole_clone_ms\tclone_first_tick\t%s\n' "$HB_HEAD" > "$OUT/recipe.tsv"
for r in $(seq "$RECIPE_ROUNDS"); do recipe_round "$r" | tee -a "$OUT/recipe.tsv" >&2; done

# ---- the driver, in both copy modes -----------------------------------------------------------
driver_run() { # copy-mode output-file [memory-freeze] [source host: host-a (default) or host-b]
  local src=${4:-host-a} srcdir=$HOTCLONE_LIBVIRT_HOST_A_DIR srcuri=$HOTCLONE_LIBVIRT_SOURCE_URI
  if [ "$src" = host-b ]; then srcdir=$HOTCLONE_LIBVIRT_HOST_B_DIR; srcuri=$HOTCLONE_LIBVIRT_TARGET_URI; fi
  echo "driver ($1 ${3:-LIVE_SNAPSHOT}, source on $src): $DRIVER_ROUNDS rounds" >&2
  local hbpid= evpid=
  if [ "$HB_MS" != 0 ]; then # the source the benchmark creates is the first new hc-bench-src-*
    python3 "$HB" follow "$srcdir/hc-bench-src-*.serial.log" "$2.hb.txt" & hbpid=$!
    stdbuf -oL virsh -c "$srcuri" event --all --loop --timestamp > "$2.events.txt" 2>&1 & evpid=$!
  fi
  (cd "$ROOT" && mvn -B -q -o -pl hypervisor verify -Plibvirt -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
     -Dit.test=LibvirtCloneBenchIT -Dhotclone.bench=true -Dhotclone.bench.rounds="$DRIVER_ROUNDS" \
     -Dhotclone.bench.copyMode="$1" -Dhotclone.bench.memoryFreeze="${3:-LIVE_SNAPSHOT}" -Dhotclone.bench.out="$2" \
     -Dhotclone.bench.memoryMiB="$MEM_MIB" -Dhotclone.bench.sourceHost="$src" \
     ${MAVEN_REPO_LOCAL:+-Dmaven.repo.local=$MAVEN_REPO_LOCAL} >"$2.mvn.log" 2>&1) || { [ -z "$hbpid" ] || kill "$hbpid" "$evpid"; tail -50 "$2.mvn.log" >&2; exit 1; }
  # the benchmark's columns 12-14 (epoch ns: freeze calls begin, end, source's part done) + the heartbeat columns
  if [ -n "$hbpid" ]; then
    kill "$hbpid" "$evpid"; wait "$hbpid" "$evpid" 2>/dev/null || true
    tail -n +2 "$2" | awk -F'\t' '{print $1, $12, $13, $14}' > "$2.hb-windows.txt"
    { head -1 "$2" | tr -d '\n'; printf '\t%s\n' "$HB_HEAD";
      paste <(tail -n +2 "$2") <(hb_columns "$2.hb.txt" "$2.hb-windows.txt" "$2.events.txt" 'hc-bench-src-*'); } > "$2.tmp"
  else
    { head -1 "$2" | tr -d '\n'; printf '\t%s\n' "$HB_HEAD"; tail -n +2 "$2" | sed "s/\$/\t$HB_NONE/"; } > "$2.tmp"
  fi
  mv "$2.tmp" "$2"
  cat "$2" >&2
}
# mode → its file, its copy mode, its memory freeze and its row in the table
mode_file() {
  case $1 in
    SHARED) echo "$OUT/driver.tsv" ;; STREAM) echo "$OUT/driver-stream.tsv" ;; BACKGROUND) echo "$OUT/driver-background.tsv" ;;
    REMOTE_LIVE) echo "$OUT/driver-remote-live.tsv" ;; REMOTE_BACKGROUND) echo "$OUT/driver-remote-background.tsv" ;;
  esac
}
mode_label() {
  case $1 in
    SHARED) echo "driver, copy mode SHARED (default; SPI, 2 hosts)" ;;
    STREAM) echo "driver, copy mode STREAM (SPI, 2 hosts)" ;;
    BACKGROUND) echo "driver, memory freeze BACKGROUND_SNAPSHOT, copy mode SHARED (SPI, 2 hosts)" ;;
    REMOTE_LIVE) echo "driver, source on host-b over qemu+tcp, memory freeze LIVE_SNAPSHOT, copy mode SHARED" ;;
    REMOTE_BACKGROUND) echo "driver, source on host-b over qemu+tcp, memory freeze BACKGROUND_SNAPSHOT (through libvirt's save), copy mode SHARED" ;;
  esac
}
for m in $MODES; do
  case $m in
    SHARED|STREAM) driver_run "$m" "$(mode_file "$m")" ;;
    BACKGROUND) driver_run SHARED "$(mode_file "$m")" BACKGROUND_SNAPSHOT ;;
    REMOTE_LIVE) driver_run SHARED "$(mode_file "$m")" LIVE_SNAPSHOT host-b ;;
    REMOTE_BACKGROUND) driver_run SHARED "$(mode_file "$m")" BACKGROUND_SNAPSHOT host-b ;;
    *) echo "unknown driver mode $m" >&2; exit 2 ;;
  esac
done

. "$ROOT/bench/lib.sh"
hb_row() { # file offset-of-the-heartbeat-columns -> the heartbeat table's cells
  local f=$1 o=$2
  echo "$(tsv_stats "$f" $((o+1)) 1) | $(tsv_stats "$f" $((o+2)) 1) | $(tsv_stats "$f" $((o+3)) 1) | $(tsv_stats "$f" $((o+5)) 1) / $(tsv_stats "$f" $((o+6)) 1) / $(tsv_stats "$f" $((o+7)) 1) | $(tsv_stats "$f" $((o+10)) 1) / $(tsv_stats "$f" $((o+11)) 1) | $(tsv_stats "$f" $((o+4)) 1)"
}
{
  echo "## libvirt driver"
  echo
  echo "- Date: $(date -u +%Y-%m-%d), machine: 2 cores, 24 GiB, Debian 12, Java 17, QEMU TCG, no KVM; libvirt $(virsh --version), $(qemu-system-x86_64 --version | head -1)"
  echo "- Command: \`bench/libvirt.sh $DRIVER_ROUNDS $RECIPE_ROUNDS\` (busybox guest, $MEM_MIB MiB RAM$([ "${HOTCLONE_BENCH_FILL:-0}" = 1 ] && echo ", 60 % of it filled with random bytes at boot"), 64 MiB qcow2 disk)"
  echo "- Driver: host-a (system libvirtd) → host-b (second libvirtd in its own network namespace, qemu+tcp); $DRIVER_ROUNDS clones in a row of one running source, per copy mode. SHARED (default): memory image in shared storage, a local file copy per clone verified by CRC-32C against the frozen image and flushed. STREAM: memory image streamed between the daemons and read back on host-b to compare its CRC-32C."
  echo "- Recipe: the reference virsh steps on one host (no copy, no checksum), $RECIPE_ROUNDS rounds, a fresh source each."
  echo
  echo "| median (min–max), ms | source pause | whole clone |"
  echo "|---|---|---|"
  for m in $MODES; do
    echo "| $(mode_label "$m") | $(tsv_stats "$(mode_file "$m")" 2) | $(tsv_stats "$(mode_file "$m")" 9) |"
  done
  echo "| bare virsh recipe (1 host) | $(tsv_stats "$OUT/recipe.tsv" 2) | $(tsv_stats "$OUT/recipe.tsv" 4) |"
  echo
  if [ "$HB_MS" != 0 ]; then
    echo "Heartbeat: the guest prints \"hb N\" every $HB_MS ms; bench/heartbeat.py stamps each line as it appears in the source's serial log (1 ms poll, SCHED_FIFO). Gap at the pause = the longest interval between arrivals overlapping Suspended − 50 ms … Resumed + 50 ms (lifecycle events as \`virsh event\` received them); gap in the freeze call = the same over the freeze call ± 100 ms. Idle = intervals before the first freeze call − 0.5 s; outside = intervals outside every clone operation ± 0.5 s. Median (min–max) over rounds, ms."
    echo
    echo "| | gap at the pause | gap in the freeze call | pause by virsh event | idle interval median / p99 / max | outside interval p99 / max | stamper stall in the call |"
    echo "|---|---|---|---|---|---|---|"
    for m in $MODES; do
      f=$(mode_file "$m")
      echo "| $(mode_label "$m") | $(hb_row "$f" 14) |"
    done
    echo "| bare virsh recipe (1 host) | $(hb_row "$OUT/recipe.tsv" 5) |"
    echo
  fi
  for m in $MODES; do
    f=$(mode_file "$m")
    echo "Driver steps ($m), median (min–max) ms: freezeStorage $(tsv_stats "$f" 3), freezeMemory $(tsv_stats "$f" 4), copyState $(tsv_stats "$f" 5), unfreeze+pointer $(tsv_stats "$f" 6), configureClone $(tsv_stats "$f" 7), startClone $(tsv_stats "$f" 8)."
    echo
  done
} > "$OUT/libvirt-section.md"
cat "$OUT/libvirt-section.md"
