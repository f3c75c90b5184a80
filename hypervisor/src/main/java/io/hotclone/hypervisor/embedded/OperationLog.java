package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Makes operations idempotent by {@link OperationId}: the first call runs the action, every later
 * or concurrent call with the same id returns the same result without running it again. A failed
 * action is forgotten, so a retry with the same id runs again. For tests it counts, per id, the
 * calls and the effects (actions that ran to success), and can fail the next call of a step.
 */
final class OperationLog {
  private final ConcurrentHashMap<OperationId, CompletableFuture<Object>> results =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<OperationId, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<OperationId, AtomicInteger> effects = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> failNext = new ConcurrentHashMap<>();

  <T> T once(OperationId op, Class<T> type, Supplier<T> action) {
    calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    String injected = failNext.remove(op.step());
    if (injected != null) {
      throw new HypervisorException.DriverFailure(injected, null);
    }
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> prior = results.putIfAbsent(op, mine);
    if (prior != null) {
      Object r = join(prior);
      if (!type.isInstance(r)) {
        throw new HypervisorException.DriverFailure("operation id " + op + " reused for another step", null);
      }
      return type.cast(r);
    }
    try {
      T r = action.get();
      effects.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
      mine.complete(r);
      return r;
    } catch (RuntimeException | Error e) {
      results.remove(op, mine);
      mine.completeExceptionally(e);
      throw e;
    }
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

  private static Object join(CompletableFuture<Object> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HypervisorException.DriverFailure("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new HypervisorException.DriverFailure("operation failed", e.getCause());
    }
  }
}
