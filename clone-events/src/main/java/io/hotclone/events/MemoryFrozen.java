package io.hotclone.events;

import java.time.Instant;
import java.util.List;

/**
 * Step 2 done: all memory tiers are frozen, slowest first ({@code tierOrder}); {@code cutAt} is the
 * instant of the consistent cut; {@code pauseMicros} how long the guest was paused for the cut.
 */
public record MemoryFrozen(
    ClonePlan plan,
    String baseRef,
    Instant cutAt,
    long pauseMicros,
    List<String> tierOrder,
    long memoryBytes,
    Instant leaseUntil)
    implements CloneEvent {}
