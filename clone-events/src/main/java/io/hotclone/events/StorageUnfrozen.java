package io.hotclone.events;

import java.util.List;

/**
 * Steps 5 and 7 done: the source's storage is unfrozen and each clone has a pointer over the shared
 * base.
 */
public record StorageUnfrozen(
    ClonePlan plan, List<CopiedImage> images, List<ClonePointer> pointers, String sourcePointer)
    implements CloneEvent {}
