package io.hotclone.transfer.persistence;

import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.VmId;
import java.util.UUID;

/** The copies transfer-service made, one per clone. */
public interface Transfers {

  /** Records clone {@code index}'s copy (a repeat keeps the first record). */
  void record(UUID cloneId, int index, VmId source, CopiedState copy);

  /** Marks the copies of a failed clone released (those already released stay as they are). */
  void released(UUID cloneId);
}
