#!/usr/bin/env bash
# Where a background-snapshot freeze's source pause goes, with virsh and QMP only (no driver): on
# one running busybox guest of MEM MiB, ROUNDS times each, the source pause (libvirt lifecycle
# events, Suspended -> Resumed) of
#   1. suspend + resume alone (libvirt's round trips),
#   2. suspend + disk-only snapshot (libvirt creates the overlay) + resume,
#   3. the same with an overlay made beforehand (--reuse-external, what the driver does),
#   4. QEMU's background snapshot started on a suspended guest (the driver's order: QEMU resumes
#      the guest itself), with QEMU's own downtime and setup time from query-migrate,
#   5. QEMU's background snapshot started on a running guest (QEMU stops and resumes it itself).
#   usage: bench/pause-breakdown.sh [MEM_MIB] [ROUNDS]     (default 128 MiB, 4 rounds)
# HOTCLONE_BENCH_FILL=1: the guest fills 60 % of its RAM with random bytes at boot (as in
# bench/libvirt.sh; that guest must have been built there once).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MEM=${1:-128}; R=${2:-4}
bash "$ROOT/scripts/libvirt/setup.sh" >/dev/null
set -a; . "$ROOT/.work/libvirt.env"; set +a
V="virsh -c $HOTCLONE_LIBVIRT_SOURCE_URI"
W="$ROOT/.work/bench/pause-breakdown"; rm -rf "$W"; mkdir -p "$W"; chmod 755 "$W" "$ROOT/.work/bench"
G=$HOTCLONE_GUEST_DIR
[ "${HOTCLONE_BENCH_FILL:-0}" = 1 ] && G="$ROOT/.work/bench/guest-fill"
name=hc-pause-breakdown
qemu-img create -q -f qcow2 "$W/disk.qcow2" 64M
cat > "$W/src.xml" <<X
<domain type='qemu'><name>$name</name><memory unit='MiB'>$MEM</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type><kernel>$G/vmlinuz</kernel><initrd>$G/initrd.gz</initrd><cmdline>console=ttyS0 quiet</cmdline></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$W/disk.qcow2'/><target dev='vda' bus='virtio'/></disk>
<serial type='file'><source path='$W/serial.log'/><target port='0'/></serial>
<video><model type='none'/></video><memballoon model='none'/></devices></domain>
X
$V destroy $name >/dev/null 2>&1
(stdbuf -oL $V event --all --loop --timestamp > "$W/events.log" 2>&1 & echo $! > "$W/event.pid")
trap '$V destroy $name >/dev/null 2>&1; kill $(cat "$W/event.pid") 2>/dev/null' EXIT
$V create "$W/src.xml" >/dev/null
for _ in $(seq 1800); do grep -q 'tick 3 ' "$W/serial.log" 2>/dev/null && break; sleep 0.1; done
mark() { wc -l < "$W/events.log"; }
pauses() { # pauses (ms) of the Suspended -> Resumed pairs after line $1
  sleep 0.5
  tail -n +$(( $1 + 1 )) "$W/events.log" | awk '/Suspended/ && !s {s=$2} /Resumed/ && s {r=$2; split(s,a,":"); split(r,b,":"); sub(/\+.*/,"",a[3]); sub(/\+.*/,"",b[3]); printf "%.0f ", ((b[1]*3600+b[2]*60+b[3])-(a[1]*3600+a[2]*60+a[3]))*1000; s=""}'
}
n=0
qmp() { $V qemu-monitor-command $name "$@"; }
cap() { qmp "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":[{\"capability\":\"background-snapshot\",\"state\":$1}]}}" >/dev/null; }
bg() { # $1 = suspended|running: pause, then QEMU downtime and setup time (ms)
  local m st
  rm -f "$W/mem.img"; exec 7>"$W/mem.img"
  qmp --pass-fds 7 '{"execute":"getfd","arguments":{"fdname":"m"}}' >/dev/null
  exec 7>&-
  cap true
  m=$(mark)
  if [ "$1" = suspended ]; then
    $V "suspend $name; qemu-monitor-command $name '{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"fd:m\"}}'" >/dev/null
  else
    qmp '{"execute":"migrate","arguments":{"uri":"fd:m"}}' >/dev/null
  fi
  for _ in $(seq 1200); do st=$(qmp '{"execute":"query-migrate"}'); echo "$st" | grep -q '"completed"' && break; sleep 0.05; done
  cap false
  echo "$(pauses "$m")/ $(echo "$st" | python3 -c 'import sys,json; r=json.load(sys.stdin)["return"]; print(r.get("downtime"), r.get("setup-time"))')"
  rm -f "$W/mem.img"
}
echo "guest: $MEM MiB$([ "${HOTCLONE_BENCH_FILL:-0}" = 1 ] && echo ", 60 % filled"), $R rounds each; source pause in ms (lifecycle events)"
m=$(mark); for _ in $(seq "$R"); do $V "suspend $name; resume $name" >/dev/null; sleep 0.2; done
echo "1. suspend + resume: $(pauses "$m")"
m=$(mark); for _ in $(seq "$R"); do n=$((n+1)); $V "suspend $name; snapshot-create-as $name --no-metadata --disk-only --atomic --diskspec vda,snapshot=external,file=$W/ov$n.qcow2; resume $name" >/dev/null; sleep 0.2; done
echo "2. suspend + disk switch (libvirt creates the overlay) + resume: $(pauses "$m")"
m=$(mark); for _ in $(seq "$R"); do n=$((n+1)); cur=$($V domblklist $name | awk '/vda/{print $2}'); qemu-img create -q -f qcow2 -b "$cur" -F qcow2 "$W/ov$n.qcow2"
  $V "suspend $name; snapshot-create-as $name --no-metadata --disk-only --atomic --reuse-external --diskspec vda,snapshot=external,file=$W/ov$n.qcow2; resume $name" >/dev/null; sleep 0.2; done
echo "3. suspend + disk switch (overlay made beforehand) + resume: $(pauses "$m")"
for _ in $(seq "$R"); do echo "4. background snapshot started suspended: pause / QEMU downtime, setup: $(bg suspended)"; done
for _ in $(seq "$R"); do echo "5. background snapshot started running: pause / QEMU downtime, setup: $(bg running)"; done
