#!/usr/bin/env bash
# devstack on real libvirt + QEMU instead of the embedded hypervisor: installs and starts two
# libvirt daemons (scripts/libvirt/setup.sh: host-a = the system daemon, host-b = a second daemon
# in its own network namespace), builds the suite and starts it with the libvirt driver. demo-1 is
# the busybox guest. Needs root. Extra arguments go to every service. HOTCLONE_NO_BUILD=1 starts
# the jar built before (benchmarks that start it several times).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/libvirt/setup.sh >&2
set -a
# shellcheck disable=SC1091
. .work/libvirt.env
set +a
[ "${HOTCLONE_NO_BUILD:-0}" = 1 ] || mvn -B -ntp -q -DskipTests install
exec java -jar devstack/target/devstack-0.1.0-SNAPSHOT.jar \
  --hotclone.hypervisor.driver=libvirt \
  --hotclone.hypervisor.hosts.host-a="$HOTCLONE_LIBVIRT_SOURCE_URI" \
  --hotclone.hypervisor.hosts.host-b="$HOTCLONE_LIBVIRT_TARGET_URI" \
  --hotclone.hypervisor.storage-dir="$HOTCLONE_LIBVIRT_SHARED_DIR" \
  --hotclone.hypervisor.host-dirs.host-a="$HOTCLONE_LIBVIRT_HOST_A_DIR" \
  --hotclone.hypervisor.host-dirs.host-b="$HOTCLONE_LIBVIRT_HOST_B_DIR" \
  --hotclone.hypervisor.guest-dir="$HOTCLONE_GUEST_DIR" \
  "$@"
