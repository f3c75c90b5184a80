package io.hotclone.api.pools.run;

import org.springframework.stereotype.Component;

/**
 * Wakes claims of this process that wait for a ready clone when a refill's clones became ready
 * here. Only a hint: a waiting claim also looks again on its own every {@value #POLL_MILLIS} ms (a
 * refill may end on another instance).
 */
@Component
public class PoolSignal {

  static final long POLL_MILLIS = 25;

  private final Object monitor = new Object();

  void readied() {
    synchronized (monitor) {
      monitor.notifyAll();
    }
  }

  /** Waits until {@link #readied} or at most {@code millis} (and {@value #POLL_MILLIS} ms). */
  void await(long millis) throws InterruptedException {
    synchronized (monitor) {
      monitor.wait(Math.max(1, Math.min(millis, POLL_MILLIS)));
    }
  }
}
