package io.hotclone.events;

/**
 * A payload of the clone saga. Every payload carries the {@link ClonePlan} so each step has what it
 * needs without reading another service's tables.
 */
public sealed interface CloneEvent
    permits CloneRequested,
        StorageFrozen,
        MemoryFrozen,
        StateCopied,
        MemoryUnfrozen,
        StorageUnfrozen,
        CloneConfigured,
        CloneCompleted,
        CloneFailed {

  ClonePlan plan();
}
