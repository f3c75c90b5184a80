#!/bin/bash
# Prepares two libvirt "hosts" on this one machine for the libvirt driver's tests and benchmark.
#
#   host-a: the system libvirtd (qemu:///system), started without systemd.
#   host-b: a second libvirtd in its own network namespace (veth 10.231.0.1 <-> 10.231.0.2) and
#           its own mount namespace (private /etc/libvirt, /run/libvirt, /var/lib/libvirt,
#           /var/cache/libvirt, /var/log/libvirt), reached over qemu+tcp://10.231.0.2/system.
#
# Authenticated transports (the unix socket and the qemu+tcp URI above stay unauthenticated):
#   TLS:  host-b also listens on TLS (qemu+tls://10.231.0.2/system) and admits only clients with a
#         certificate of this checkout's test CA (.work/libvirt/tls: CA, host-b's server
#         certificate, and the client's certificate + key in tls/client, libvirt's pkipath layout).
#   SASL: host-a (the system daemon, started with --listen) also listens on TCP on the veth address
#         (qemu+tcp://10.231.0.1/system) with SASL DIGEST-MD5 only (the mechanism must encrypt on a
#         plain TCP transport); this checkout's user is in /etc/libvirt/passwd.db, its generated
#         password in .work/libvirt/sasl/password (owner-only, never in the env file).
#
# Also installs the Debian packages if missing and builds two tiny guests whose /init writes
# "tick N" to the serial log and to its disk (sector N; also to a second disk vdb, if it has one):
#   busybox (guest/):       Debian cloud kernel + busybox initramfs; the fast tests' guest.
#   agent   (guest/agent/): Debian's generic kernel (it has the vmgenid driver, so a clone's kernel
#                           reseeds its RNG when its generation id changes) + the same busybox
#                           initramfs with Debian's qemu-guest-agent and the libraries it links,
#                           started on the virtio-serial port org.qemu.guest_agent.0; virtio-net.
# Idempotent: safe to run twice; the kernel is cached under .work/guest/.
# Writes .work/libvirt.env with the variables the tests read.
set -euo pipefail
# the daemons started below must not inherit the caller's descriptors: a lock the caller holds
# (e.g. flock around a benchmark) would stay held for as long as the daemon runs
for fd in 3 4 5 6 7 8 9; do eval "exec $fd>&-"; done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK="$ROOT/.work"
GUEST="$WORK/guest"
LV="$WORK/libvirt"
NS=hotclone-b
VETH_OUT=hcb-out
VETH_IN=hcb-in
ADDR_OUT=10.231.0.1
ADDR_IN=10.231.0.2
URI_A="qemu:///system"
URI_B="qemu+tcp://$ADDR_IN/system"
URI_B_TLS="qemu+tls://$ADDR_IN/system"
URI_A_SASL="qemu+tcp://$ADDR_OUT/system"
TLS="$LV/tls"                          # test CA, host-b's server certificate, the client's pkipath
SASL_DIR="$LV/sasl"
# one SASL user per checkout in the machine-wide sasldb: checkouts never change each other's password
SASL_USER="hotclone-$(printf '%s' "$ROOT" | sha256sum | cut -c1-10)"
SASL_DB=/etc/libvirt/passwd.db
export DEBIAN_FRONTEND=noninteractive

log() { echo "[libvirt-setup] $*" >&2; }
# substring test without a pipe (grep -q in a pipe + pipefail fails on SIGPIPE)
has() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }

# --- packages ----------------------------------------------------------------------------------
need=()
command -v libvirtd >/dev/null || need+=(libvirt-daemon-system)
command -v virsh >/dev/null || need+=(libvirt-clients)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v qemu-img >/dev/null || need+=(qemu-utils)
[ -x /bin/busybox ] || need+=(busybox-static)
has "$(ldconfig -p)" 'libvirt.so.0' || need+=(libvirt0)
command -v ip >/dev/null || need+=(iproute2)
# XFS with reflinks for the shared-storage reflink test (SharedImageReflinkIT) and bench/fanout.sh
command -v mkfs.xfs >/dev/null || need+=(xfsprogs)
# the authenticated transports' test set-up: certificates (openssl), the SASL user database
# (saslpasswd2) and the SASL mechanisms for libvirtd and the client (DIGEST-MD5)
command -v openssl >/dev/null || need+=(openssl)
command -v saslpasswd2 >/dev/null || need+=(sasl2-bin)
compgen -G '/usr/lib/*/sasl2/libdigestmd5.so*' >/dev/null || need+=(libsasl2-modules)
compgen -G '/usr/lib/*/sasl2/libsasldb.so*' >/dev/null || need+=(libsasl2-modules-db)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

mkdir -p "$GUEST" "$LV/shared" "$LV/host-a" "$LV/host-b"
# QEMU runs as libvirt-qemu: every directory on the way must be traversable (a checkout in a
# private temporary directory is not: give its ancestors the search bit for others).
chmod 755 "$WORK" "$GUEST" "$LV" "$LV/shared" "$LV/host-a" "$LV/host-b"
d=$ROOT
while [ "$d" != / ]; do
  [ "$(( $(stat -c '%a' "$d" | sed 's/.*\(.\)$/\1/') & 1 ))" = 1 ] || chmod o+x "$d"
  d=$(dirname "$d")
done

# --- guest: kernel + initramfs -----------------------------------------------------------------
if [ ! -s "$GUEST/vmlinuz" ] || [ ! -d "$GUEST/modules" ]; then
  log "fetching the Debian cloud kernel"
  tmp=$(mktemp -d); chmod 755 "$tmp"
  kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
  [ -n "$kpkg" ] || { apt-get update -qq; kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}'); }
  (cd "$tmp" && apt-get download -qq "$kpkg" && dpkg-deb -x "${kpkg}"_*.deb k)
  kv=${kpkg#linux-image-}
  rm -rf "$GUEST/modules"; mkdir -p "$GUEST/modules"
  for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
           drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk; do
    cp "$tmp/k/lib/modules/$kv/kernel/$m.ko" "$GUEST/modules/"
  done
  cp "$tmp/k/boot/vmlinuz-$kv" "$GUEST/vmlinuz.tmp" && mv "$GUEST/vmlinuz.tmp" "$GUEST/vmlinuz"
  rm -rf "$tmp"
fi

# The guests' /init: modules present in /lib/modules are loaded in order; the host name comes from
# the kernel command line (hc.hostname=), the machine id is fresh at boot; when the initramfs has
# the guest agent and the agent port exists, the agent starts before the tick loop.
write_init() {
  cat > "$1/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mkdir -p /etc /run /tmp
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk \
         failover net_failover virtio_net virtio_console; do
  [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
done
for a in $(cat /proc/cmdline); do case $a in hc.hostname=*) hostname "${a#hc.hostname=}" ;; esac; done
tr -d '-' < /proc/sys/kernel/random/uuid > /etc/machine-id
ip link set lo up 2>/dev/null; ip link set eth0 up 2>/dev/null
n=0; while [ ! -b /dev/vda ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
agent=none
if [ -x /sbin/qemu-ga ]; then
  n=0
  while [ "$agent" = none ] && [ $n -lt 50 ]; do
    for p in /sys/class/virtio-ports/*; do
      [ "$(cat "$p/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] && agent=/dev/${p##*/}
    done
    [ "$agent" = none ] && sleep 0.1; n=$((n+1))
  done
  [ "$agent" != none ] && /sbin/qemu-ga -m virtio-serial -p "$agent" -t /run -f /run/qemu-ga.pid -d
fi
echo "BOOTED vda=$([ -b /dev/vda ] && echo yes || echo no) agent=$agent"
i=0
while true; do
  i=$((i+1)); line="tick $i rnd=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "$line"
  printf '%-511s\n' "$line" | dd of=/dev/vda bs=512 seek=$i count=1 conv=notrunc,fsync 2>/dev/null
  [ -b /dev/vdb ] && printf '%-511s\n' "$line" | dd of=/dev/vdb bs=512 seek=$i count=1 conv=notrunc,fsync 2>/dev/null
  sleep 0.5
done
INIT
  chmod +x "$1/init"
}

# pack DIR into OUT (newc cpio, gzip)
pack() { (cd "$1" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$2.tmp" && mv "$2.tmp" "$2"; }

if [ ! -s "$GUEST/initrd.gz" ] || [ "$GUEST/initrd.gz" -ot "${BASH_SOURCE[0]}" ]; then
  log "building the busybox initramfs"
  ir=$(mktemp -d)
  mkdir -p "$ir"/{bin,proc,sys,dev,lib/modules}
  cp /bin/busybox "$ir/bin/"
  cp "$GUEST"/modules/*.ko "$ir/lib/modules/"
  write_init "$ir"
  pack "$ir" "$GUEST/initrd.gz"
  rm -rf "$ir"
fi
chmod 644 "$GUEST/vmlinuz" "$GUEST/initrd.gz"

# --- agent guest: generic kernel + guest agent ---------------------------------------------------
AG="$GUEST/agent"
mkdir -p "$AG"; chmod 755 "$AG"
if [ ! -s "$AG/vmlinuz" ] || [ ! -x "$AG/qemu-ga" ] || [ ! -d "$AG/modules" ]; then
  log "fetching Debian's generic kernel and qemu-guest-agent for the agent guest"
  tmp=$(mktemp -d); chmod 755 "$tmp"
  kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
  [ -n "$kpkg" ] || { apt-get update -qq; kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}'); }
  (cd "$tmp" && apt-get download -qq "$kpkg" qemu-guest-agent 2>/dev/null \
     && dpkg-deb -x "${kpkg}"_*.deb k && dpkg-deb -x qemu-guest-agent_*.deb q)
  kv=${kpkg#linux-image-}
  rm -rf "$AG/modules"; mkdir -p "$AG/modules"
  for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
           drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk \
           net/core/failover drivers/net/net_failover drivers/net/virtio_net drivers/char/virtio_console; do
    cp "$tmp/k/lib/modules/$kv/kernel/$m.ko" "$AG/modules/"
  done
  cp "$tmp/q/usr/sbin/qemu-ga" "$AG/qemu-ga.tmp" && mv "$AG/qemu-ga.tmp" "$AG/qemu-ga"
  cp "$tmp/k/boot/vmlinuz-$kv" "$AG/vmlinuz.tmp" && mv "$AG/vmlinuz.tmp" "$AG/vmlinuz"
  rm -rf "$tmp"
fi
# the agent's shared libraries come from this machine's Debian packages (the ones qemu-ga depends on)
if ldd "$AG/qemu-ga" | grep -q 'not found'; then
  apt-get install -y -qq --no-install-recommends libglib2.0-0 libnuma1 liburing2 libudev1 >/dev/null
fi
if [ ! -s "$AG/initrd.gz" ] || [ "$AG/initrd.gz" -ot "${BASH_SOURCE[0]}" ] || [ "$AG/initrd.gz" -ot "$AG/qemu-ga" ]; then
  log "building the agent guest's initramfs"
  ir=$(mktemp -d)
  mkdir -p "$ir"/{bin,sbin,proc,sys,dev,lib/modules}
  cp /bin/busybox "$ir/bin/"
  cp "$AG"/modules/*.ko "$ir/lib/modules/"
  cp "$AG/qemu-ga" "$ir/sbin/"
  for lib in $(ldd "$AG/qemu-ga" | awk '/=> \//{print $3} /^[[:space:]]*\/.*ld-linux/{print $1}'); do
    mkdir -p "$ir$(dirname "$lib")"
    cp "$(readlink -f "$lib")" "$ir$lib"
  done
  write_init "$ir"
  pack "$ir" "$AG/initrd.gz"
  rm -rf "$ir"
fi
chmod 644 "$AG/vmlinuz" "$AG/initrd.gz"

# --- /dev/kvm ------------------------------------------------------------------------------------
# Without udev, /dev/kvm (when the kernel exposes one) stays root:root 0600. libvirt then probes
# QEMU with KVM as root but finds KVM unusable for libvirt-qemu, declares its capability cache
# stale and re-probes QEMU (~30 s under TCG) on every define/create. Apply what Debian's udev rule
# would (group kvm, 0660). The guests still run under TCG (domain type 'qemu').
if [ -c /dev/kvm ] && getent group kvm >/dev/null; then
  chgrp kvm /dev/kvm && chmod 660 /dev/kvm
fi

# --- host-a: the system daemon -----------------------------------------------------------------
answers() { timeout 10 virsh -c "$1" list >/dev/null 2>&1; }
wait_for() {
  for _ in $(seq 100); do answers "$1" && return 0; sleep 0.2; done
  log "libvirt at $1 does not answer"; return 1
}
# host-b's network namespace and the veth pair: made before host-a starts, whose TCP listener
# binds the outer end's address
if ! has " $(ip netns list | awk '{print $1}' | tr '\n' ' ')" " $NS "; then
  ip netns add "$NS"
fi
if ! ip link show "$VETH_OUT" >/dev/null 2>&1; then
  ip link add "$VETH_OUT" type veth peer name "$VETH_IN"
  ip link set "$VETH_IN" netns "$NS"
fi
has "$(ip -o -4 addr show dev "$VETH_OUT")" "$ADDR_OUT/" || ip addr add "$ADDR_OUT/30" dev "$VETH_OUT"
ip link set "$VETH_OUT" up
ip netns exec "$NS" sh -c "
  ip addr show dev $VETH_IN | grep -q '$ADDR_IN/' || ip addr add $ADDR_IN/30 dev $VETH_IN
  ip link set $VETH_IN up; ip link set lo up"

# host-a's SASL listener: a marked block at the end of the system daemon's libvirtd.conf (read only
# with --listen) and DIGEST-MD5 as libvirt's only SASL mechanism with the sasldb. Changing either
# restarts host-a's libvirtd once (its running guests keep running); unchanged, nothing restarts.
a_changed=false
conf_a=/etc/libvirt/libvirtd.conf
block_a="# >>> hotclone test hosts (scripts/libvirt/setup.sh): host-a's SASL listener
listen_tls = 0
listen_tcp = 1
listen_addr = \"$ADDR_OUT\"
auth_tcp = \"sasl\"
# <<< hotclone test hosts"
current_a=$(sed -n '/^# >>> hotclone test hosts/,/^# <<< hotclone test hosts/p' "$conf_a")
if [ "$current_a" != "$block_a" ]; then
  log "configuring host-a's SASL listener in $conf_a"
  sed -i '/^# >>> hotclone test hosts/,/^# <<< hotclone test hosts/d' "$conf_a"
  printf '%s\n' "$block_a" >> "$conf_a"
  a_changed=true
fi
sasl_conf=/etc/sasl2/libvirt.conf
mkdir -p /etc/sasl2
[ -f "$sasl_conf" ] || : > "$sasl_conf"
want_sasl=$(grep -v -e '^mech_list:' -e '^sasldb_path:' "$sasl_conf"; printf 'mech_list: digest-md5\nsasldb_path: %s\n' "$SASL_DB")
if [ "$(cat "$sasl_conf")" != "$want_sasl" ]; then
  log "libvirt's SASL mechanism: DIGEST-MD5 with $SASL_DB ($sasl_conf)"
  printf '%s\n' "$want_sasl" > "$sasl_conf"
  a_changed=true
fi
# this checkout's SASL user and password (generated once, owner-only); set on every run (no restart)
mkdir -p "$SASL_DIR"; chmod 700 "$SASL_DIR"
if [ ! -s "$SASL_DIR/password" ]; then
  (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=\n' > "$SASL_DIR/password")
fi
saslpasswd2 -p -c -a libvirt -f "$SASL_DB" "$SASL_USER" < "$SASL_DIR/password"
chmod 600 "$SASL_DB"

# host-a's daemon: the one whose pid file is the system default, in this network namespace
host_a_pid() {
  local pid
  pid=$(cat /run/libvirtd.pid 2>/dev/null) || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = libvirtd ] || return 1
  [ "$(readlink "/proc/$pid/ns/net")" = "$(readlink /proc/self/ns/net)" ] || return 1
  echo "$pid"
}
listens_a() { has "$(ss -Hltn "src $ADDR_OUT and sport = :16509" 2>/dev/null)" "$ADDR_OUT:16509"; }
if answers "$URI_A" && { $a_changed || ! listens_a; }; then
  if pid=$(host_a_pid); then
    log "restarting host-a's libvirtd (pid $pid) with its SASL listener"
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
fi
if ! answers "$URI_A"; then
  log "starting virtlogd + libvirtd (host-a)"
  pgrep -x virtlogd >/dev/null || virtlogd -d
  host_a_pid >/dev/null || libvirtd -d --listen
fi
wait_for "$URI_A"
# the background-snapshot memory freeze: QEMU (running as libvirt-qemu) write-protects guest RAM
# with the userfaultfd system call, which unprivileged processes may use only with this setting
if [ "$(cat /proc/sys/vm/unprivileged_userfaultfd 2>/dev/null || echo 1)" != 1 ]; then
  log "allowing unprivileged userfaultfd (vm.unprivileged_userfaultfd=1) for QEMU's background snapshot"
  echo 1 > /proc/sys/vm/unprivileged_userfaultfd
fi

# --- shared storage: a plain directory, or (HOTCLONE_LIBVIRT_SHARED_FS=xfs) an XFS filesystem with
# reflinks on a loop device mounted there, so the copy mode SHARED's clones of one memory image
# share its blocks (bench/fanout.sh compares the two). host-b's daemon sees the mounts as they were
# when it started (its own mount namespace), so it is restarted when the choice changes.
B="$LV/host-b-daemon"   # private state of host-b's libvirtd
restart_b=false

# --- the test PKI (this checkout's own CA): host-b's server certificate (its address as subject
# alternative name) and the client certificate + key in libvirt's pkipath layout. Made once; a new
# CA changes host-b's configuration below, which restarts host-b.
mkdir -p "$TLS/ca" "$TLS/host-b" "$TLS/client"; chmod 700 "$TLS" "$TLS/ca" "$TLS/client"
sign() { # NAME SUBJECT EXTENSIONS KEY_OUT CERT_OUT
  local csr; csr=$(mktemp)
  (umask 077; openssl req -new -newkey rsa:2048 -nodes -keyout "$4" -subj "$2" -out "$csr" 2>/dev/null)
  printf '%b' "$3" > "$csr.ext"
  openssl x509 -req -in "$csr" -CA "$TLS/ca/cacert.pem" -CAkey "$TLS/ca/cakey.pem" \
    -set_serial "0x$(openssl rand -hex 8)" -days 3650 -extfile "$csr.ext" -out "$5" 2>/dev/null
  rm -f "$csr" "$csr.ext"
  log "made $1's certificate"
}
if [ ! -s "$TLS/ca/cacert.pem" ] || [ ! -s "$TLS/ca/cakey.pem" ]; then
  rm -f "$TLS"/host-b/*.pem "$TLS"/client/*.pem
  (umask 077; openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout "$TLS/ca/cakey.pem" \
    -out "$TLS/ca/cacert.pem" -subj "/O=HotClone test/CN=HotClone test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null)
  chmod 644 "$TLS/ca/cacert.pem"
  log "made the test CA"
fi
if [ ! -s "$TLS/host-b/servercert.pem" ] || [ ! -s "$TLS/host-b/serverkey.pem" ]; then
  sign host-b "/O=HotClone test/CN=$ADDR_IN" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:$ADDR_IN\n" \
    "$TLS/host-b/serverkey.pem" "$TLS/host-b/servercert.pem"
fi
if [ ! -s "$TLS/client/clientcert.pem" ] || [ ! -s "$TLS/client/clientkey.pem" ]; then
  sign "the client" "/O=HotClone test/CN=hotclone-test-client" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n" \
    "$TLS/client/clientkey.pem" "$TLS/client/clientcert.pem"
fi
cp "$TLS/ca/cacert.pem" "$TLS/client/cacert.pem.tmp" && mv "$TLS/client/cacert.pem.tmp" "$TLS/client/cacert.pem"
chmod 600 "$TLS/client/clientkey.pem" "$TLS/host-b/serverkey.pem"

# host-b's configuration: unauthenticated TCP as before, and TLS admitting only this CA's client
# certificate (the certificates' fingerprints make a new certificate a changed configuration)
conf_b="# written by scripts/libvirt/setup.sh
# certificates: $(cat "$TLS/ca/cacert.pem" "$TLS/host-b/servercert.pem" | sha256sum | cut -c1-16)
listen_tls = 1
listen_tcp = 1
listen_addr = \"$ADDR_IN\"
auth_tcp = \"none\"
auth_tls = \"none\"
key_file = \"$TLS/host-b/serverkey.pem\"
cert_file = \"$TLS/host-b/servercert.pem\"
ca_file = \"$TLS/ca/cacert.pem\"
tls_no_verify_certificate = 0
tls_allowed_dn_list = [\"O=HotClone test,CN=hotclone-test-client\"]
unix_sock_group = \"root\""
if [ -f "$B/etc/libvirtd.conf" ] && [ "$(cat "$B/etc/libvirtd.conf")" != "$conf_b" ] && answers "$URI_B"; then
  log "host-b's configuration changed (TLS listener or certificates); restarting it"
  restart_b=true
fi
if [ "${HOTCLONE_LIBVIRT_SHARED_FS:-plain}" = xfs ] && ! mountpoint -q "$LV/shared"; then
  log "mounting an XFS filesystem with reflinks on $LV/shared"
  rm -f "$LV/shared.xfs"; truncate -s 8G "$LV/shared.xfs"
  mkfs.xfs -q -m reflink=1 "$LV/shared.xfs"
  mount -o loop "$LV/shared.xfs" "$LV/shared"; chmod 755 "$LV/shared"
  restart_b=true
elif [ "${HOTCLONE_LIBVIRT_SHARED_FS:-plain}" = plain ] && mountpoint -q "$LV/shared"; then
  log "unmounting the XFS filesystem from $LV/shared"
  umount "$LV/shared"; rm -f "$LV/shared.xfs"; chmod 755 "$LV/shared"
  restart_b=true
fi
# A host-b daemon that another checkout started keeps that checkout's state directories (bind-mounted
# when it started): once that checkout is deleted, it cannot define a domain any more ("cannot
# create config directory"). Only a daemon this checkout started (its pid file) is kept.
if answers "$URI_B" && ! { [ -f "$B/libvirtd.pid" ] && kill -0 "$(cat "$B/libvirtd.pid")" 2>/dev/null; }; then
  log "host-b's daemon was started from another checkout; restarting it from this one"
  restart_b=true
fi
if $restart_b; then # whichever checkout started it: its daemons are the ones in host-b's netns
  for pid in $(ip netns pids "$NS" 2>/dev/null); do
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in libvirtd | virtlogd) kill "$pid" ;; esac
  done
  for _ in $(seq 50); do answers "$URI_B" || break; sleep 0.1; done
fi

# --- host-b: second daemon in its own network + mount namespace --------------------------------

if ! answers "$URI_B"; then
  log "starting virtlogd + libvirtd (host-b) in netns $NS"
  if [ -f "$B/libvirtd.pid" ] && kill -0 "$(cat "$B/libvirtd.pid")" 2>/dev/null; then
    kill "$(cat "$B/libvirtd.pid")"; sleep 1
  fi
  if [ -f "$B/virtlogd.pid" ] && kill -0 "$(cat "$B/virtlogd.pid")" 2>/dev/null; then
    kill "$(cat "$B/virtlogd.pid")"; sleep 0.5
  fi
  mkdir -p "$B"/{run,lib,cache,log}
  if [ ! -d "$B/etc" ]; then
    cp -a /etc/libvirt "$B/etc"
    # host-b starts without the domains and networks of host-a's configuration
    rm -f "$B"/etc/qemu/*.xml "$B"/etc/qemu/autostart/* "$B"/etc/qemu/networks/autostart/* 2>/dev/null || true
  fi
  # host-a's state directory layout (owners and modes as packaged), without its images
  for d in /var/lib/libvirt/*; do
    [ -e "$B/lib/$(basename "$d")" ] && continue
    if [ "$(basename "$d")" = images ]; then mkdir -p "$B/lib/images"; else cp -a "$d" "$B/lib/"; fi
  done
  rm -rf "$B"/lib/qemu/save/* "$B"/lib/qemu/snapshot/* "$B"/lib/qemu/domain-* 2>/dev/null || true
  rm -f "$B/etc/passwd.db" # host-a's SASL users are no business of host-b
  printf '%s\n' "$conf_b" > "$B/etc/libvirtd.conf"
  ip netns exec "$NS" unshare -m --propagation private sh -c "
    mount --bind '$B/etc' /etc/libvirt
    mount --bind '$B/run' /run/libvirt
    mount --bind '$B/lib' /var/lib/libvirt
    mount --bind '$B/cache' /var/cache/libvirt
    mount --bind '$B/log' /var/log/libvirt
    virtlogd -d -p '$B/virtlogd.pid'
    libvirtd -d --listen -p '$B/libvirtd.pid'
  "
fi
wait_for "$URI_B"
wait_for "$URI_B_TLS?pkipath=$TLS/client"
# host-a's SASL listener answers this checkout's user (libvirt's auth file, removed right after)
auth_file="$SASL_DIR/auth.conf"
(umask 077; printf '[credentials-hc]\nauthname=%s\npassword=%s\n\n[auth-libvirt-%s]\ncredentials=hc\n' \
  "$SASL_USER" "$(cat "$SASL_DIR/password")" "$ADDR_OUT" > "$auth_file")
sasl_ok=false
for _ in $(seq 50); do
  if LIBVIRT_AUTH_FILE="$auth_file" timeout 10 virsh -c "$URI_A_SASL" list >/dev/null 2>&1; then sasl_ok=true; break; fi
  sleep 0.2
done
rm -f "$auth_file"
$sasl_ok || { log "host-a's SASL listener at $URI_A_SASL does not accept $SASL_USER"; exit 1; }
# probe QEMU's capabilities now (cached by each daemon) rather than in the first define
for uri in "$URI_A" "$URI_B"; do
  timeout 120 virsh -c "$uri" domcapabilities --virttype qemu --arch x86_64 >/dev/null 2>&1 || true
done

# --- env file ----------------------------------------------------------------------------------
cat > "$WORK/libvirt.env" <<ENV
HOTCLONE_LIBVIRT_SOURCE_URI=$URI_A
HOTCLONE_LIBVIRT_TARGET_URI=$URI_B
HOTCLONE_GUEST_DIR=$GUEST
HOTCLONE_LIBVIRT_SHARED_DIR=$LV/shared
HOTCLONE_LIBVIRT_HOST_A_DIR=$LV/host-a
HOTCLONE_LIBVIRT_HOST_B_DIR=$LV/host-b
HOTCLONE_LIBVIRT_TLS_TARGET_URI=$URI_B_TLS
HOTCLONE_LIBVIRT_TLS_PKI_DIR=$TLS/client
HOTCLONE_LIBVIRT_SASL_SOURCE_URI=$URI_A_SASL
HOTCLONE_LIBVIRT_SASL_USERNAME=$SASL_USER
HOTCLONE_LIBVIRT_SASL_PASSWORD_FILE=$SASL_DIR/password
ENV
log "both hosts answer; env written to $WORK/libvirt.env"
cat "$WORK/libvirt.env"
