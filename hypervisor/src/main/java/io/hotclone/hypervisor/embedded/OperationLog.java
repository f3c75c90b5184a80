package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.OperationJournal;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The embedded driver's {@link OperationJournal} with test instrumentation: per id it counts the
 * calls and the effects (actions that ran to success), and it can fail the next call of a step
 * before the journal sees it. The journal is unbounded here: nothing outside this JVM records the
 * embedded driver's operations, and the counters keep every id anyway.
 */
final class OperationLog {
  private final OperationJournal journal = new OperationJournal(Integer.MAX_VALUE);
  private final ConcurrentHashMap<OperationId, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<OperationId, AtomicInteger> effects = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> failNext = new ConcurrentHashMap<>();

  <T> T once(OperationId op, Class<T> type, Supplier<T> action) {
    calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    String injected = failNext.remove(op.step());
    if (injected != null) {
      throw new HypervisorException.DriverFailure(injected, null);
    }
    return journal.once(op, type, () -> {
      T r = action.get();
      effects.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
      return r;
    });
  }

  /** Makes the next call of {@code step} (any clone id) fail with {@code reason} before it runs. */
  void failNext(String step, String reason) {
    failNext.put(step, reason);
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
