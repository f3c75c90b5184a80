package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Makes operations idempotent by {@link OperationId}: the first call runs the action, every later
 * or concurrent call with the same id returns the same result without running it again. A failed
 * action is forgotten, so a retry with the same id runs again.
 */
final class OperationLog {
  private final ConcurrentHashMap<OperationId, CompletableFuture<Object>> results =
      new ConcurrentHashMap<>();

  <T> T once(OperationId op, Class<T> type, Supplier<T> action) {
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
      mine.complete(r);
      return r;
    } catch (RuntimeException | Error e) {
      results.remove(op, mine);
      mine.completeExceptionally(e);
      throw e;
    }
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
