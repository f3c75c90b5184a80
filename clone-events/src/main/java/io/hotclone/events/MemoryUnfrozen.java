package io.hotclone.events;

import java.util.List;

/**
 * Step 4 done: the source's buffered writes were merged back; it runs unfrozen.
 *
 * @param failures the copy failures of {@link StateCopied#failures}, passed on (optional field,
 *     added in schema version 1: absent = none)
 */
public record MemoryUnfrozen(
    ClonePlan plan,
    String baseRef,
    List<CopiedImage> images,
    long mergedPages,
    long frozenMillis,
    List<FailedClone> failures)
    implements CloneEvent {

  public MemoryUnfrozen {
    failures = failures == null ? List.of() : List.copyOf(failures);
  }

  public MemoryUnfrozen(
      ClonePlan plan, String baseRef, List<CopiedImage> images, long mergedPages, long frozenMillis) {
    this(plan, baseRef, images, mergedPages, frozenMillis, List.of());
  }
}
