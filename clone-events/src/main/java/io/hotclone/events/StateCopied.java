package io.hotclone.events;

import java.util.List;

/**
 * Step 3 done: frozen memory, vCPU and device state copied to the targets, one image per clone that
 * copied.
 *
 * @param images the clones that copied, by index
 * @param failures the clones of a {@code partial} plan whose copy to their host failed (step {@code
 *     copy}; every clone of that host, copied or not); they get no pointer and are not configured.
 *     Optional field, added in schema version 1: absent = none; always empty without {@code partial}
 */
public record StateCopied(
    ClonePlan plan, String baseRef, List<CopiedImage> images, long copyMillis, List<FailedClone> failures)
    implements CloneEvent {

  public StateCopied {
    failures = failures == null ? List.of() : List.copyOf(failures);
  }

  public StateCopied(ClonePlan plan, String baseRef, List<CopiedImage> images, long copyMillis) {
    this(plan, baseRef, images, copyMillis, List.of());
  }
}
