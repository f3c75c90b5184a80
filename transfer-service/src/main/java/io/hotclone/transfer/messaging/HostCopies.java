package io.hotclone.transfer.messaging;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.FailedClone;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.support.messaging.StepFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Runs one copy per clone of a plan: the clones of one host in index order, different hosts side by
 * side (one thread per host). A plan with one host runs on the caller's thread. Every host's copies
 * run to their end or first failure.
 *
 * <p>Without {@code partial} the first failure (by host order) is then thrown, so the saga step
 * fails as a whole (all or nothing). With {@code partial} each host settles on its own: a copy
 * failure ({@link HypervisorException} or {@link StepFailure}) fails the clone whose copy failed and
 * every clone of that host not copied yet (they are not tried), each a {@link FailedClone} of step
 * {@code copy}; the host's clones copied before it keep their verified copy and go on, as do the
 * other hosts'. A failed copy leaves nothing (the drivers delete a copy they could not finish).
 * Only when every clone failed is the first failure thrown. Any other exception is thrown as it is,
 * {@code partial} or not.
 */
final class HostCopies {

  /** The failure step of a clone whose copy to its host failed. */
  static final String STEP = "copy";

  private HostCopies() {}

  /**
   * @param copied the clones that copied, by index (a {@code TreeMap}: index order)
   * @param failures the clones failed at {@code copy}, by index; empty without {@code partial}
   */
  record Outcome<T>(Map<Integer, T> copied, List<FailedClone> failures) {}

  static <T> Outcome<T> run(ClonePlan plan, IntFunction<T> copy) {
    Map<String, List<Integer>> byHost = new LinkedHashMap<>();
    for (int i = 0; i < plan.count(); i++) {
      byHost.computeIfAbsent(plan.hostFor(i), h -> new ArrayList<>()).add(i);
    }
    Map<Integer, T> copied = Collections.synchronizedMap(new TreeMap<>());
    Map<Integer, FailedClone> failed = Collections.synchronizedMap(new TreeMap<>());
    List<RuntimeException> errors = new ArrayList<>();
    if (byHost.size() == 1) {
      addIfAny(errors, copyHost(plan, byHost.values().iterator().next(), copy, copied, failed));
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(byHost.size());
      try {
        List<Future<RuntimeException>> running = new ArrayList<>();
        for (List<Integer> indexes : byHost.values()) {
          running.add(pool.submit(() -> copyHost(plan, indexes, copy, copied, failed)));
        }
        for (Future<RuntimeException> f : running) {
          try {
            addIfAny(errors, f.get());
          } catch (ExecutionException x) {
            errors.add(x.getCause() instanceof RuntimeException r ? r : new IllegalStateException(x.getCause()));
          } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while copying", x);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
    for (RuntimeException e : errors) {
      if (!plan.partial() || !isCopyFailure(e)) {
        throw e; // all or nothing, or not a copy failure
      }
    }
    if (!errors.isEmpty() && failed.size() == plan.count()) {
      throw errors.get(0); // partial, but no clone left
    }
    return new Outcome<>(new TreeMap<>(copied), List.copyOf(failed.values()));
  }

  private static void addIfAny(List<RuntimeException> errors, RuntimeException e) {
    if (e != null) {
      errors.add(e);
    }
  }

  /**
   * Copies one host's clones in order up to the first failure, which it returns (null: all copied).
   * With {@code partial}, a copy failure fails that clone and the host's clones after it.
   */
  private static <T> RuntimeException copyHost(
      ClonePlan plan, List<Integer> indexes, IntFunction<T> copy, Map<Integer, T> copied, Map<Integer, FailedClone> failed) {
    for (int k = 0; k < indexes.size(); k++) {
      int i = indexes.get(k);
      try {
        copied.put(i, copy.apply(i));
      } catch (RuntimeException e) {
        if (plan.partial() && isCopyFailure(e)) {
          for (int j : indexes.subList(k, indexes.size())) {
            failed.put(j, new FailedClone(j, plan.hostFor(j), STEP, String.valueOf(e.getMessage())));
          }
        }
        return e;
      }
    }
    return null;
  }

  private static boolean isCopyFailure(RuntimeException e) {
    return e instanceof HypervisorException || e instanceof StepFailure;
  }
}
