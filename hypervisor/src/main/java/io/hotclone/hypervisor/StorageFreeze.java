package io.hotclone.hypervisor;

import java.time.Instant;

/**
 * Step 1: the source's disk is frozen. {@code baseRef} is the immutable shared base the frozen
 * blocks now form; {@code sourcePointer} is where the original writes from now on.
 */
public record StorageFreeze(
    OperationId op, VmId vm, String baseRef, String sourcePointer, Instant frozenAt, Instant leaseUntil) {}
