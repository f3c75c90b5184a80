package io.hotclone.events;

import java.util.List;

/** Step 4 done: the source's buffered writes were merged back; it runs unfrozen. */
public record MemoryUnfrozen(
    ClonePlan plan, String baseRef, List<CopiedImage> images, long mergedPages, long frozenMillis)
    implements CloneEvent {}
