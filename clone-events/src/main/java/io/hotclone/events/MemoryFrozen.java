package io.hotclone.events;

import java.time.Instant;
import java.util.List;

/**
 * Step 2 done: all memory tiers are frozen, slowest first ({@code tierOrder}); {@code cutAt} is the
 * instant of the consistent cut; {@code pauseMicros} how long the guest was paused for the cut, or
 * null (absent on the wire) when the hypervisor could not measure it.
 */
public record MemoryFrozen(
    ClonePlan plan,
    String baseRef,
    Instant cutAt,
    Long pauseMicros,
    List<String> tierOrder,
    long memoryBytes,
    Instant leaseUntil)
    implements CloneEvent {

  /** {@code pauseNanos} as the hypervisor reports it (negative: unknown) in microseconds, or null. */
  public static Long pauseMicrosOf(long pauseNanos) {
    return pauseNanos < 0 ? null : pauseNanos / 1_000;
  }
}
