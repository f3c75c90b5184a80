package io.hotclone.events;

import java.time.Instant;

/**
 * Step 1 done: the source's disk is frozen; {@code baseRef} names the immutable shared base and
 * {@code sourcePointer} where the original now lives in shared storage.
 */
public record StorageFrozen(
    ClonePlan plan, String baseRef, String sourcePointer, Instant frozenAt, Instant leaseUntil)
    implements CloneEvent {}
