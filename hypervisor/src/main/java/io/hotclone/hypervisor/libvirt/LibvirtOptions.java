package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the libvirt driver keeps files and how it bounds them.
 *
 * @param sharedStorageDir storage every host sees at the same path (NFS, Ceph, or one disk in a
 *     test): VM disks, frozen bases and clone overlays live here, and in {@link CopyMode#SHARED}
 *     the memory images too
 * @param hostStorageDirs per host, a host-local directory for serial logs, and in {@link
 *     CopyMode#STREAM} for memory images
 * @param guestDir directory with {@code vmlinuz} and {@code initrd.gz} used by {@code createVm},
 *     or {@code null} when the driver must not create VMs
 * @param chainDepthBudget the longest backing chain (files, active overlay included) a source may
 *     keep after a storage thaw; a longer one is flattened by a block pull
 * @param maxDowntimeMillis QEMU migration downtime limit set before a live snapshot (0 keeps
 *     QEMU's default of 300 ms); bounds the final pause of the memory freeze
 * @param copyMode how the memory image reaches the target host (see {@link CopyMode}); {@link
 *     CopyMode#SHARED} unless set
 * @param memoryFreeze how step 2 freezes the source's memory (see {@link MemoryFreezeMethod});
 *     {@link MemoryFreezeMethod#LIVE_SNAPSHOT} unless set
 * @param hostAuth per host, how the driver authenticates to its libvirtd (SASL credentials, TLS
 *     pkipath); hosts without an entry are opened with their URI alone
 */
public record LibvirtOptions(
    Path sharedStorageDir,
    Map<HostName, Path> hostStorageDirs,
    Path guestDir,
    int chainDepthBudget,
    long maxDowntimeMillis,
    CopyMode copyMode,
    MemoryFreezeMethod memoryFreeze,
    Map<HostName, HostAuth> hostAuth) {

  /** How step 2 (freeze memory) captures RAM, vCPU and device state at the cut. */
  public enum MemoryFreezeMethod {
    /**
     * libvirt's live external memory+disk snapshot: QEMU pre-copies RAM while the guest runs and
     * pauses it for the last dirty pages plus device state; the pause grows with the guest's write
     * rate and size. Works on every QEMU host through libvirt's own API.
     */
    LIVE_SNAPSHOT,
    /**
     * QEMU's {@code background-snapshot} migration capability driven through libvirt's QEMU monitor
     * passthrough: the guest is paused only for the disk cut and the device state, guest RAM is
     * write-protected (userfaultfd) and saved while the guest runs, each page as it was at the
     * cut. Needs userfaultfd write-protect usable by the QEMU process; over a local socket the
     * driver hands QEMU a descriptor on the image, over a remote connection libvirtd saves the
     * stopped guest's memory itself ({@link BackgroundSnapshotter.Route}); marks the domain tainted.
     */
    BACKGROUND_SNAPSHOT,
    /** {@link #BACKGROUND_SNAPSHOT} on a host and connection that support it, else {@link #LIVE_SNAPSHOT}. */
    AUTO
  }

  /** How step 3 (copy state) moves the memory image from the source host to the target host. */
  public enum CopyMode {
    /**
     * The live snapshot writes the memory image into the source host's own directory, and the
     * copy streams it through the driver's two libvirt connections into the target host's own
     * directory (virStorageVolDownload/Upload), then reads it back on the target to compare its
     * CRC-32C. Needs nothing but the libvirt connections: for hosts that do not share storage
     * with each other or with the driver.
     */
    STREAM,
    /**
     * The live snapshot writes the memory image into {@code sharedStorageDir}, and the copy makes
     * each clone's image there with a local file copy by the driver process (no bytes through
     * libvirt), verified by CRC-32C against the frozen image and flushed. Needs the driver process
     * to see {@code sharedStorageDir} at the same path as the hosts; where it does not, the copy
     * falls back to streaming the image from the shared directory like {@link #STREAM}.
     */
    SHARED
  }

  public LibvirtOptions {
    Objects.requireNonNull(sharedStorageDir, "sharedStorageDir");
    Objects.requireNonNull(copyMode, "copyMode");
    Objects.requireNonNull(memoryFreeze, "memoryFreeze");
    hostStorageDirs = Map.copyOf(hostStorageDirs);
    hostAuth = hostAuth == null ? Map.of() : Map.copyOf(hostAuth);
    if (chainDepthBudget < 3) {
      throw new IllegalArgumentException("chainDepthBudget must be >= 3 (a flattened file + a clone's frozen base and cut overlay)");
    }
    if (maxDowntimeMillis < 0) {
      throw new IllegalArgumentException("maxDowntimeMillis < 0");
    }
  }

  /** The options before {@code hostAuth} existed: no credentials. */
  public LibvirtOptions(
      Path sharedStorageDir, Map<HostName, Path> hostStorageDirs, Path guestDir, int chainDepthBudget, long maxDowntimeMillis,
      CopyMode copyMode, MemoryFreezeMethod memoryFreeze) {
    this(sharedStorageDir, hostStorageDirs, guestDir, chainDepthBudget, maxDowntimeMillis, copyMode, memoryFreeze, Map.of());
  }

  /** The options before {@code copyMode} existed: copy mode {@link CopyMode#SHARED}. */
  public LibvirtOptions(
      Path sharedStorageDir, Map<HostName, Path> hostStorageDirs, Path guestDir, int chainDepthBudget, long maxDowntimeMillis) {
    this(sharedStorageDir, hostStorageDirs, guestDir, chainDepthBudget, maxDowntimeMillis, CopyMode.SHARED);
  }

  /** The options before {@code memoryFreeze} existed: {@link MemoryFreezeMethod#LIVE_SNAPSHOT}. */
  public LibvirtOptions(
      Path sharedStorageDir, Map<HostName, Path> hostStorageDirs, Path guestDir, int chainDepthBudget, long maxDowntimeMillis,
      CopyMode copyMode) {
    this(sharedStorageDir, hostStorageDirs, guestDir, chainDepthBudget, maxDowntimeMillis, copyMode, MemoryFreezeMethod.LIVE_SNAPSHOT);
  }

  public static LibvirtOptions of(Path sharedStorageDir, Map<HostName, Path> hostStorageDirs) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, null, 8, 50, CopyMode.SHARED, MemoryFreezeMethod.LIVE_SNAPSHOT, Map.of());
  }

  public LibvirtOptions withGuestDir(Path dir) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, dir, chainDepthBudget, maxDowntimeMillis, copyMode, memoryFreeze, hostAuth);
  }

  public LibvirtOptions withChainDepthBudget(int budget) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, guestDir, budget, maxDowntimeMillis, copyMode, memoryFreeze, hostAuth);
  }

  public LibvirtOptions withMaxDowntimeMillis(long millis) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, guestDir, chainDepthBudget, millis, copyMode, memoryFreeze, hostAuth);
  }

  public LibvirtOptions withCopyMode(CopyMode mode) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, guestDir, chainDepthBudget, maxDowntimeMillis, mode, memoryFreeze, hostAuth);
  }

  public LibvirtOptions withMemoryFreeze(MemoryFreezeMethod method) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, guestDir, chainDepthBudget, maxDowntimeMillis, copyMode, method, hostAuth);
  }

  /** With how the driver authenticates to each host (replaces any earlier map). */
  public LibvirtOptions withHostAuth(Map<HostName, HostAuth> auth) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, guestDir, chainDepthBudget, maxDowntimeMillis, copyMode, memoryFreeze, auth);
  }

  /** Where the live snapshot of a VM on {@code host} writes its memory image. */
  Path memoryImageDir(HostName host) {
    return copyMode == CopyMode.SHARED ? sharedStorageDir : hostDir(host);
  }

  Path hostDir(HostName host) {
    Path dir = hostStorageDirs.get(host);
    if (dir == null) {
      throw new IllegalArgumentException("no storage directory configured for host " + host);
    }
    return dir;
  }
}
