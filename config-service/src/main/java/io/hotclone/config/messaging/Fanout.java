package io.hotclone.config.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.MDC;

/**
 * Runs {@code n} indexed tasks, at most {@code parallelism} at a time, and returns their results in
 * index order. It returns or throws only once every task has ended, so a caller that compensates
 * on failure never races a task still running; the failure thrown is that of the lowest index. The
 * caller's logging context (MDC: clone id, trace) goes with each task.
 */
final class Fanout {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private Fanout() {}

  static <T> List<T> run(int n, int parallelism, IntFunction<T> task) {
    if (n <= 1 || parallelism <= 1) {
      List<T> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(task.apply(i));
      }
      return out;
    }
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    String prefix = "fanout-" + POOLS.incrementAndGet() + "-";
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, parallelism), r -> {
      Thread t = new Thread(r, prefix + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          if (mdc != null) {
            MDC.setContextMap(mdc);
          }
          try {
            return task.apply(index);
          } finally {
            MDC.clear();
          }
        }));
      }
      List<T> out = new ArrayList<>();
      RuntimeException first = null;
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          out.add(null);
          if (first == null) {
            first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while clones were starting", e);
        }
      }
      if (first != null) {
        throw first;
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }
}
