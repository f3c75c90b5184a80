package io.hotclone.events;

import java.time.Instant;
import java.util.List;

/**
 * Step 1 done: the source's disks are frozen, all in one atomic snapshot; {@code baseRef} names
 * the immutable shared base and {@code sourcePointer} where the original now lives in shared
 * storage, both of the first (primary) disk; {@code disks} lists every disk, the first included
 * (absent in events written before multi-disk VMs: then the one disk is the primary's fields).
 */
public record StorageFrozen(
    ClonePlan plan, String baseRef, String sourcePointer, Instant frozenAt, Instant leaseUntil, List<FrozenDisk> disks)
    implements CloneEvent {

  public StorageFrozen {
    disks = disks == null ? List.of() : List.copyOf(disks);
  }

  public StorageFrozen(ClonePlan plan, String baseRef, String sourcePointer, Instant frozenAt, Instant leaseUntil) {
    this(plan, baseRef, sourcePointer, frozenAt, leaseUntil, List.of());
  }

  /** One frozen disk of the source: device name, its frozen base, its new active file. */
  public record FrozenDisk(String device, String baseRef, String sourcePointer) {}
}
