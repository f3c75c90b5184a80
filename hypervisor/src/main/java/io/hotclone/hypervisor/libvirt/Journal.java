package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.OperationId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * First results by {@link OperationId}: a repeat returns the recorded result without a second
 * effect. Only successes are recorded. Across driver restarts the operations fall back on their
 * deterministic names ("already exists" counts as done), and so does another process: the journal
 * is a cache of this process, never the only record. Bounded: the oldest results are forgotten.
 */
final class Journal {
  static final int CAPACITY = 4096;
  private final Map<OperationId, Object> results =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<OperationId, Object> eldest) {
              return size() > CAPACITY;
            }
          });
  private final Map<OperationId, Object> locks = new ConcurrentHashMap<>();

  <T> T once(OperationId op, Class<T> type, Supplier<T> action) {
    if (locks.size() > CAPACITY) {
      locks.clear(); // the locks only serialise concurrent repeats within this process
    }
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
    synchronized (results) {
      results.keySet().removeIf(op -> op.cloneId().equals(cloneId));
    }
    locks.keySet().removeIf(op -> op.cloneId().equals(cloneId));
  }
}
