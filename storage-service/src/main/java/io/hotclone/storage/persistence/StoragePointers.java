package io.hotclone.storage.persistence;

import io.hotclone.events.ClonePointer;
import io.hotclone.hypervisor.StorageFreeze;
import java.sql.Timestamp;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The pointers of originals and clones, and the frozen bases they share. */
@Repository
public class StoragePointers {

  private final JdbcTemplate jdbc;

  public StoragePointers(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records the frozen base and the original's (first) pointer. */
  public void recordFreeze(UUID cloneId, String host, StorageFreeze freeze) {
    jdbc.update(
        "INSERT INTO frozen_bases (base_ref, source_vm, clone_id, frozen_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING",
        freeze.baseRef(),
        freeze.vm().value(),
        cloneId,
        Timestamp.from(freeze.frozenAt()));
    jdbc.update(
        "INSERT INTO storage_pointers (id, vm_id, host, location, base_ref, kind, clone_id)"
            + " VALUES (?, ?, ?, ?, ?, 'ORIGINAL', ?) ON CONFLICT (id) DO NOTHING",
        freeze.sourcePointer(),
        freeze.vm().value(),
        host,
        freeze.sourcePointer(),
        freeze.baseRef(),
        cloneId);
  }

  /** Records a clone's (second) pointer over the shared base. */
  public void recordClonePointer(UUID cloneId, String sourceVm, ClonePointer pointer, String host) {
    jdbc.update(
        "INSERT INTO frozen_bases (base_ref, source_vm, clone_id, frozen_at) VALUES (?, ?, ?, now())"
            + " ON CONFLICT DO NOTHING",
        pointer.baseRef(),
        sourceVm,
        cloneId);
    jdbc.update(
        "INSERT INTO storage_pointers (id, host, location, base_ref, kind, clone_id, clone_index)"
            + " VALUES (?, ?, ?, ?, 'CLONE', ?, ?) ON CONFLICT (id) DO NOTHING",
        pointer.pointerId(),
        host,
        pointer.location(),
        pointer.baseRef(),
        cloneId,
        pointer.index());
  }
}
