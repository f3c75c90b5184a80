package io.hotclone.hypervisor.embedded;

import java.util.Arrays;

/** A bounded log of guest write latencies in nanoseconds (benchmarks); drops samples when full. */
final class LatencyLog {
  private final long[] samples;
  private int size;

  LatencyLog(int capacity) {
    this.samples = new long[capacity];
  }

  synchronized void add(long nanos) {
    if (size < samples.length) {
      samples[size++] = nanos;
    }
  }

  /** The samples since the last drain, in order of recording. */
  synchronized long[] drain() {
    long[] out = Arrays.copyOf(samples, size);
    size = 0;
    return out;
  }
}
