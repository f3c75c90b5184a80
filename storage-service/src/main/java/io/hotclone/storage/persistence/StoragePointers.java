package io.hotclone.storage.persistence;

import io.hotclone.events.ClonePointer;
import io.hotclone.hypervisor.StorageFreeze;
import java.util.UUID;

/** The pointers of originals and clones, and the frozen bases they share. */
public interface StoragePointers {

  /** Records each disk's frozen base and the original's (first) pointer of that disk. */
  void recordFreeze(UUID cloneId, String host, StorageFreeze freeze);

  /** Records a clone's (second) pointer over the shared base, one row per disk. */
  void recordClonePointer(UUID cloneId, String sourceVm, ClonePointer pointer, String host);
}
