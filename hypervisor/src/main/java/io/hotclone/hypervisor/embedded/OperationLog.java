package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.OperationJournal;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The embedded driver's {@link OperationJournal} with test instrumentation: per id it counts the
 * calls and the effects (actions that ran to success), and it can fail the next call of a step of
 * one clone id before the journal sees it, or hold the next call of a step until a test lets it go
 * (a held call checks for a failure once let go, so a test can arm one for the clone it holds). The journal is unbounded here: nothing outside this JVM records the
 * embedded driver's operations, and the counters keep every id anyway.
 */
final class OperationLog {
  private final OperationJournal journal = new OperationJournal(Integer.MAX_VALUE);
  private final ConcurrentHashMap<OperationId, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<OperationId, AtomicInteger> effects = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<OperationId, String> failNext = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CountDownLatch> holdNext = new ConcurrentHashMap<>();

  <T> T once(OperationId op, Class<T> type, Supplier<T> action) {
    calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    CountDownLatch gate = holdNext.remove(op.step());
    if (gate != null) {
      awaitOpen(gate);
    }
    String injected = failNext.remove(op);
    if (injected != null) {
      throw new HypervisorException.DriverFailure(injected, null);
    }
    return journal.once(op, type, () -> {
      T r = action.get();
      effects.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
      return r;
    });
  }

  /**
   * Makes the next call of {@code step} of {@code cloneId} fail with {@code reason} before it runs;
   * the same step of any other clone id runs as usual.
   */
  void failNext(UUID cloneId, String step, String reason) {
    failNext.put(new OperationId(cloneId, step), reason);
  }

  /**
   * Makes the next call of {@code step} (any clone id) wait, before it runs, until the returned
   * gate is opened (at most a minute: a test that forgets it cannot hang the suite).
   */
  Runnable holdNext(String step) {
    CountDownLatch gate = new CountDownLatch(1);
    holdNext.put(step, gate);
    return gate::countDown;
  }

  private static void awaitOpen(CountDownLatch gate) {
    try {
      if (!gate.await(1, TimeUnit.MINUTES)) {
        throw new HypervisorException.DriverFailure("held step was never let go", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HypervisorException.DriverFailure("interrupted while held", e);
    }
  }

  /** Per step of {@code cloneId}: how often it was called. */
  Map<String, Integer> calls(UUID cloneId) {
    return counts(calls, cloneId);
  }

  /** Per step of {@code cloneId}: how often its action ran to success. */
  Map<String, Integer> effects(UUID cloneId) {
    return counts(effects, cloneId);
  }

  private static Map<String, Integer> counts(Map<OperationId, AtomicInteger> m, UUID cloneId) {
    Map<String, Integer> out = new TreeMap<>();
    m.forEach((op, n) -> {
      if (op.cloneId().equals(cloneId)) {
        out.put(op.step(), n.get());
      }
    });
    return out;
  }
}
