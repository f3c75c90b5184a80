#!/bin/bash
# Undoes scripts/libvirt/setup.sh's runtime state: destroys the driver's test domains (hc-*) on
# both hosts, stops host-b's libvirtd and virtlogd, removes its network namespace and veth pair,
# and empties the driver's storage directories; removes this checkout's SASL user from the sasldb
# and its test PKI and SASL password. Leaves host-a's system daemon running (with its SASL
# listener), the packages installed and the cached guest in place. Safe to run twice.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LV="$ROOT/.work/libvirt"
B="$LV/host-b-daemon"
[ -f "$ROOT/.work/libvirt.env" ] && { set -a; . "$ROOT/.work/libvirt.env"; set +a; }

for uri in "${HOTCLONE_LIBVIRT_SOURCE_URI:-}" "${HOTCLONE_LIBVIRT_TARGET_URI:-}"; do
  [ -n "$uri" ] || continue
  timeout 10 virsh -c "$uri" list --all --name 2>/dev/null | grep '^hc-' | while read -r d; do
    virsh -c "$uri" destroy "$d" >/dev/null 2>&1
    virsh -c "$uri" undefine "$d" >/dev/null 2>&1
  done
  for p in hotclone-shared hotclone-local; do virsh -c "$uri" pool-destroy "$p" >/dev/null 2>&1; done
done
for f in libvirtd virtlogd; do
  if [ -f "$B/$f.pid" ] && kill -0 "$(cat "$B/$f.pid")" 2>/dev/null; then
    kill "$(cat "$B/$f.pid")"
  fi
done
ip link del hcb-out 2>/dev/null
ip netns del hotclone-b 2>/dev/null
mountpoint -q "$LV/shared" && umount "$LV/shared" # the XFS of HOTCLONE_LIBVIRT_SHARED_FS=xfs
if [ -n "${HOTCLONE_LIBVIRT_SASL_USERNAME:-}" ] && [ -f /etc/libvirt/passwd.db ] && command -v saslpasswd2 >/dev/null; then
  saslpasswd2 -d -a libvirt -f /etc/libvirt/passwd.db "$HOTCLONE_LIBVIRT_SASL_USERNAME" 2>/dev/null
fi
rm -rf "$LV/shared" "$LV/shared.xfs" "$LV/host-a" "$LV/host-b" "$B" "$LV/tls" "$LV/sasl" "$ROOT/.work/libvirt.env"
echo "[libvirt-teardown] done" >&2
