package io.hotclone.hypervisor;

import java.util.List;

/**
 * Step 7: where a clone's disks live in shared storage: its own block map (embedded) or overlay
 * file per disk (libvirt), each over a frozen shared base. {@code id}, {@code location} and {@code
 * baseRef} are those of the first disk; {@code disks} lists every disk, the first one included, in
 * the source's device order.
 */
public record StoragePointer(String id, HostName host, String location, String baseRef, List<Disk> disks) {

  /** One disk of the clone: device name, pointer id, where it lives, the base it reads. */
  public record Disk(String device, String id, String location, String baseRef) {}

  public StoragePointer {
    disks = disks == null || disks.isEmpty()
        ? List.of(new Disk(StorageFreeze.SINGLE_DISK, id, location, baseRef))
        : List.copyOf(disks);
  }

  /** A VM with one disk. */
  public StoragePointer(String id, HostName host, String location, String baseRef) {
    this(id, host, location, baseRef, null);
  }

  /** A pointer of several disks; the first is the primary. */
  public static StoragePointer of(HostName host, List<Disk> disks) {
    Disk first = disks.get(0);
    return new StoragePointer(first.id(), host, first.location(), first.baseRef(), disks);
  }
}
