package io.hotclone.events;

import java.util.List;

/**
 * The storage pointer of clone {@code index}: its own block map / overlay over the shared base,
 * of the first (primary) disk; {@code disks} lists the pointer of every disk, the first included
 * (empty in events written before multi-disk VMs).
 */
public record ClonePointer(int index, String pointerId, String location, String baseRef, List<DiskPointer> disks) {

  public ClonePointer {
    disks = disks == null ? List.of() : List.copyOf(disks);
  }

  public ClonePointer(int index, String pointerId, String location, String baseRef) {
    this(index, pointerId, location, baseRef, List.of());
  }

  /** One disk of the clone: device name, pointer id, where it lives, the base it reads. */
  public record DiskPointer(String device, String pointerId, String location, String baseRef) {}
}
