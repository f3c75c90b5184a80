package io.hotclone.transfer.messaging;

import io.hotclone.events.ClonePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Runs one copy per clone of a plan: the clones of one host in index order, different hosts side by
 * side (one thread per host). A plan with one host runs on the caller's thread. Every host's copies
 * run to their end or first failure; then the first failure (by host order) is thrown, so the saga
 * step fails as a whole (a copy failure stays all or nothing, {@code partial} or not).
 */
final class HostCopies {

  private HostCopies() {}

  static <T> List<T> run(ClonePlan plan, IntFunction<T> copy) {
    Map<String, List<Integer>> byHost = new LinkedHashMap<>();
    for (int i = 0; i < plan.count(); i++) {
      byHost.computeIfAbsent(plan.hostFor(i), h -> new ArrayList<>()).add(i);
    }
    List<T> results = new ArrayList<>(java.util.Collections.nCopies(plan.count(), null));
    if (byHost.size() == 1) {
      for (int i = 0; i < plan.count(); i++) {
        results.set(i, copy.apply(i));
      }
      return results;
    }
    ExecutorService pool = Executors.newFixedThreadPool(byHost.size());
    try {
      List<Future<?>> running = new ArrayList<>();
      for (List<Integer> indexes : byHost.values()) {
        running.add(pool.submit(() -> {
          for (int i : indexes) {
            T r = copy.apply(i);
            synchronized (results) {
              results.set(i, r);
            }
          }
        }));
      }
      RuntimeException first = null;
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while copying", e);
        }
      }
      if (first != null) {
        throw first;
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
