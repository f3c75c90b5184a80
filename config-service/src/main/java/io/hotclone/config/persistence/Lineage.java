package io.hotclone.config.persistence;

import io.hotclone.events.ConfiguredClone;
import java.util.UUID;

/** Parent → child records of every clone, with the storage each depends on (invariant I7). */
public interface Lineage {

  /** Where a VM sits in its family: its root and generation (0 for a root VM). */
  record Position(String root, int generation) {}

  /** {@code vmId}'s position; a VM without a record is a root of generation 0. */
  Position positionOf(String vmId);

  /** Records a clone made from {@code parent} (a repeat keeps the first record). */
  void record(UUID cloneId, String parent, String root, ConfiguredClone clone, String baseRef);
}
