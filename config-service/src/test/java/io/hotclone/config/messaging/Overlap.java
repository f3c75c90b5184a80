package io.hotclone.config.messaging;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures how many tasks run at once, both ways. Each task {@link #enter}s before its work and
 * {@link #exit}s after it: it waits until {@code expected} tasks are in together (the lower bound:
 * tasks run one after another never get there), then gives one task more a moment to come in (the
 * upper bound: a pool that runs more than {@code expected} shows it in {@link #most}). That moment
 * is a negative check, so it is bounded; it ends at once when one too many comes in.
 */
final class Overlap {
  private static final long MORE_WINDOW_MILLIS = 300;

  private final int expected;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger most = new AtomicInteger();
  private final CountDownLatch allIn;
  private final CountDownLatch oneTooMany = new CountDownLatch(1);

  Overlap(int expected) {
    this.expected = expected;
    this.allIn = new CountDownLatch(expected);
  }

  /** @return whether {@code expected} tasks were in at once within 10 s */
  boolean enter() throws InterruptedException {
    int now = running.incrementAndGet();
    most.accumulateAndGet(now, Math::max);
    if (now > expected) {
      oneTooMany.countDown();
    }
    allIn.countDown();
    boolean met = allIn.await(10, TimeUnit.SECONDS);
    oneTooMany.await(MORE_WINDOW_MILLIS, TimeUnit.MILLISECONDS);
    return met;
  }

  void exit() {
    running.decrementAndGet();
  }

  /** The most tasks that were in at once. */
  int most() {
    return most.get();
  }
}
