package io.hotclone.hypervisor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Makes a driver's operations idempotent by {@link OperationId}; both drivers wrap every SPI call
 * in one. Contract of {@link #once}:
 *
 * <ul>
 *   <li>The first call with an id runs the action; every later call with that id returns the
 *       recorded result without running anything.
 *   <li>Concurrent calls with an id join the attempt in flight: the action runs once and all of
 *       them get its result, or all of them get its failure.
 *   <li>Only successes are recorded: after a failure the next call with the id runs the action
 *       again. A {@code null} result reaches the callers of its attempt but is not recorded.
 *   <li>An id recorded with a result of one type and asked for another fails with {@link
 *       HypervisorException.DriverFailure} without running anything.
 *   <li>Bounded: beyond {@code capacity} completed results the oldest are forgotten (attempts in
 *       flight never are). A forgotten id runs its action again, so this is safe only where the
 *       journal is a cache and not the only record: the libvirt operations fall back on names
 *       derived from the clone id ("already exists" counts as done), which is also what a
 *       restarted driver or another process relies on.
 * </ul>
 */
public final class OperationJournal {
  /** The capacity of {@link #OperationJournal()}. */
  public static final int DEFAULT_CAPACITY = 4096;

  private final Object lock = new Object();
  /** Completed results, oldest first. Guarded by {@link #lock}. */
  private final LinkedHashMap<OperationId, Object> results;
  /** Attempts in flight. Guarded by {@link #lock}. */
  private final Map<OperationId, CompletableFuture<Object>> running = new HashMap<>();

  public OperationJournal() {
    this(DEFAULT_CAPACITY);
  }

  /** Keeps at most {@code capacity} completed results. */
  public OperationJournal(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, not " + capacity);
    }
    this.results = new LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<OperationId, Object> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The first result of {@code op}, running {@code action} only if there is none yet. */
  public <T> T once(OperationId op, Class<T> type, Supplier<T> action) {
    CompletableFuture<Object> mine = null;
    CompletableFuture<Object> prior;
    Object recorded;
    synchronized (lock) {
      recorded = results.get(op);
      prior = recorded == null ? running.get(op) : null;
      if (recorded == null && prior == null) {
        mine = new CompletableFuture<>();
        running.put(op, mine);
      }
    }
    if (recorded != null) {
      return as(op, type, recorded);
    }
    if (prior != null) {
      return as(op, type, join(prior));
    }
    try {
      T result = action.get();
      synchronized (lock) {
        running.remove(op);
        if (result != null) {
          results.put(op, result);
        }
      }
      mine.complete(result);
      return result;
    } catch (RuntimeException | Error e) {
      synchronized (lock) {
        running.remove(op);
      }
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /**
   * Forgets the completed results of {@code cloneId}'s operations (after its release). An attempt
   * in flight still records its result when it completes.
   */
  public void forgetClone(UUID cloneId) {
    synchronized (lock) {
      results.keySet().removeIf(op -> op.cloneId().equals(cloneId));
    }
  }

  private static <T> T as(OperationId op, Class<T> type, Object result) {
    if (result != null && !type.isInstance(result)) {
      throw new HypervisorException.DriverFailure(
          "operation id " + op + " was already used for a " + result.getClass().getSimpleName(), null);
    }
    return type.cast(result);
  }

  private static Object join(CompletableFuture<Object> attempt) {
    try {
      return attempt.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HypervisorException.DriverFailure("interrupted while waiting for the same operation", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new HypervisorException.DriverFailure("operation failed", e.getCause());
    }
  }
}
