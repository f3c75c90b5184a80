package io.hotclone.events;

import java.util.List;

/**
 * Steps 5 and 7 done: the source's storage is unfrozen and each clone that copied has a pointer
 * over the shared base.
 *
 * @param failures the copy failures of {@link StateCopied#failures}, passed on: these clones have
 *     no image and no pointer (optional field, added in schema version 1: absent = none)
 */
public record StorageUnfrozen(
    ClonePlan plan,
    List<CopiedImage> images,
    List<ClonePointer> pointers,
    String sourcePointer,
    List<FailedClone> failures)
    implements CloneEvent {

  public StorageUnfrozen {
    failures = failures == null ? List.of() : List.copyOf(failures);
  }

  public StorageUnfrozen(
      ClonePlan plan, List<CopiedImage> images, List<ClonePointer> pointers, String sourcePointer) {
    this(plan, images, pointers, sourcePointer, List.of());
  }
}
