package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.OperationId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * First results by {@link OperationId}: a repeat returns the recorded result without a second
 * effect. Only successes are recorded. Across driver restarts the operations fall back on their
 * deterministic names ("already exists" counts as done).
 */
final class Journal {
  private final Map<OperationId, Object> results = new ConcurrentHashMap<>();
  private final Map<OperationId, Object> locks = new ConcurrentHashMap<>();

  <T> T once(OperationId op, Class<T> type, Supplier<T> action) {
    Object lock = locks.computeIfAbsent(op, k -> new Object());
    synchronized (lock) {
      Object done = results.get(op);
      if (done != null) {
        if (!type.isInstance(done)) {
          throw new IllegalArgumentException(op + " was already used for a " + done.getClass().getSimpleName());
        }
        return type.cast(done);
      }
      T result = action.get();
      results.put(op, result);
      return result;
    }
  }

  void forgetClone(java.util.UUID cloneId) {
    results.keySet().removeIf(op -> op.cloneId().equals(cloneId));
    locks.keySet().removeIf(op -> op.cloneId().equals(cloneId));
  }
}
