package io.hotclone.hypervisor;

import java.time.Instant;
import java.util.List;

/**
 * Step 2: all memory tiers frozen in {@code tierOrder} (slowest first, fastest last). {@code cutAt}
 * is the consistent-cut instant; the guest was paused for {@code pauseNanos} only to capture vCPU
 * and device state, or {@code pauseNanos} is -1 when the driver could not measure the pause (it
 * missed the guest's pause/resume events): unknown, never to be reported as a number. {@code baseRef} is the disk state at the cut the clone's disk is built on.
 */
public record MemoryFreeze(
    OperationId op,
    VmId vm,
    List<String> tierOrder,
    Instant cutAt,
    long pauseNanos,
    long memoryBytes,
    String baseRef,
    Instant leaseUntil) {}
