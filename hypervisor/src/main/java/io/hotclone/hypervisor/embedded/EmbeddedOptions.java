package io.hotclone.hypervisor.embedded;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the embedded hypervisor.
 *
 * @param tickInterval period of the shared guest scheduler; every running, unpaused VM runs one
 *     workload iteration per tick
 * @param schedulerThreads threads of the shared guest scheduler (not one per VM)
 * @param swapFraction fraction of a VM's memory in the slow, file-backed swap tier (the rest is the
 *     off-heap RAM tier)
 * @param memoryWorkingSetPages how many pages (from page 0) the guest workload writes to
 * @param diskWorkingSetBlocks how many 64 KiB blocks (from block 0) the guest workload writes to
 * @param recordDigests whether clone cuts record SHA-256 digests of memory and disk (costs a pass
 *     over the image; benchmarks turn it off)
 * @param recordWriteLatency whether each VM records the latency of its guest writes (benchmarks)
 */
public record EmbeddedOptions(
    Duration tickInterval,
    int schedulerThreads,
    double swapFraction,
    int memoryWorkingSetPages,
    int diskWorkingSetBlocks,
    boolean recordDigests,
    boolean recordWriteLatency) {

  public EmbeddedOptions {
    Objects.requireNonNull(tickInterval, "tickInterval");
    if (tickInterval.isNegative() || tickInterval.isZero()) {
      throw new IllegalArgumentException("tickInterval must be positive");
    }
    if (schedulerThreads < 1 || swapFraction < 0 || swapFraction >= 1) {
      throw new IllegalArgumentException("bad scheduler threads or swap fraction");
    }
    if (memoryWorkingSetPages < 1 || diskWorkingSetBlocks < 1) {
      throw new IllegalArgumentException("working sets must be positive");
    }
  }

  /** 2 ms ticks, one scheduler thread, a quarter of memory in swap, digests on, no latency log. */
  public static EmbeddedOptions defaults() {
    return new EmbeddedOptions(Duration.ofMillis(2), 1, 0.25, 16_384, 256, true, false);
  }

  public EmbeddedOptions withTickInterval(Duration tick) {
    return new EmbeddedOptions(tick, schedulerThreads, swapFraction, memoryWorkingSetPages,
        diskWorkingSetBlocks, recordDigests, recordWriteLatency);
  }

  public EmbeddedOptions withDigests(boolean on) {
    return new EmbeddedOptions(tickInterval, schedulerThreads, swapFraction, memoryWorkingSetPages,
        diskWorkingSetBlocks, on, recordWriteLatency);
  }

  public EmbeddedOptions withWriteLatency(boolean on) {
    return new EmbeddedOptions(tickInterval, schedulerThreads, swapFraction, memoryWorkingSetPages,
        diskWorkingSetBlocks, recordDigests, on);
  }
}
