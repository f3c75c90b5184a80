package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the libvirt driver keeps files and how it bounds them.
 *
 * @param sharedStorageDir storage every host sees at the same path (NFS, Ceph, or one disk in a
 *     test): VM disks, frozen bases and clone overlays live here
 * @param hostStorageDirs per host, a host-local directory for memory images and serial logs
 * @param guestDir directory with {@code vmlinuz} and {@code initrd.gz} used by {@code createVm},
 *     or {@code null} when the driver must not create VMs
 * @param chainDepthBudget the longest backing chain (files, active overlay included) a source may
 *     keep after a storage thaw; a longer one is flattened by a block pull
 * @param maxDowntimeMillis QEMU migration downtime limit set before a live snapshot (0 keeps
 *     QEMU's default of 300 ms); bounds the final pause of the memory freeze
 */
public record LibvirtOptions(
    Path sharedStorageDir,
    Map<HostName, Path> hostStorageDirs,
    Path guestDir,
    int chainDepthBudget,
    long maxDowntimeMillis) {

  public LibvirtOptions {
    Objects.requireNonNull(sharedStorageDir, "sharedStorageDir");
    hostStorageDirs = Map.copyOf(hostStorageDirs);
    if (chainDepthBudget < 2) {
      throw new IllegalArgumentException("chainDepthBudget must be >= 2 (base + active overlay)");
    }
    if (maxDowntimeMillis < 0) {
      throw new IllegalArgumentException("maxDowntimeMillis < 0");
    }
  }

  public static LibvirtOptions of(Path sharedStorageDir, Map<HostName, Path> hostStorageDirs) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, null, 8, 50);
  }

  public LibvirtOptions withGuestDir(Path dir) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, dir, chainDepthBudget, maxDowntimeMillis);
  }

  public LibvirtOptions withChainDepthBudget(int budget) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, guestDir, budget, maxDowntimeMillis);
  }

  public LibvirtOptions withMaxDowntimeMillis(long millis) {
    return new LibvirtOptions(sharedStorageDir, hostStorageDirs, guestDir, chainDepthBudget, millis);
  }

  Path hostDir(HostName host) {
    Path dir = hostStorageDirs.get(host);
    if (dir == null) {
      throw new IllegalArgumentException("no storage directory configured for host " + host);
    }
    return dir;
  }
}
