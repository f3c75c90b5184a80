package io.hotclone.memory.persistence;

import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.MemoryThaw;
import java.util.UUID;

/** What memory-service keeps of each memory freeze: the cut, the pause, the merge. */
public interface MemoryFreezes {

  /** Records the freeze of {@code cloneId} (a repeat keeps the first record). */
  void recordFreeze(UUID cloneId, MemoryFreeze frozen);

  /**
   * Records the thaw that merged the buffers back.
   *
   * @return how long the memory stayed frozen, cut to thaw, in milliseconds (0 when no freeze of
   *     {@code cloneId} was recorded)
   */
  long recordThaw(UUID cloneId, MemoryThaw thaw);
}
