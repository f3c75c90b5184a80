package io.hotclone.storage.persistence;

import io.hotclone.events.ClonePointer;
import io.hotclone.hypervisor.StorageFreeze;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** {@link StoragePointers} in PostgreSQL. */
@Repository
public class JdbcStoragePointers implements StoragePointers {

  private final JdbcTemplate jdbc;

  public JdbcStoragePointers(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void recordFreeze(UUID cloneId, String host, StorageFreeze freeze) {
    for (StorageFreeze.Disk disk : freeze.disks()) {
      jdbc.update(
          "INSERT INTO frozen_bases (base_ref, source_vm, clone_id, frozen_at, disk) VALUES (?, ?, ?, ?, ?)"
              + " ON CONFLICT DO NOTHING",
          disk.baseRef(),
          freeze.vm().value(),
          cloneId,
          Timestamp.from(freeze.frozenAt()),
          disk.device());
      jdbc.update(
          "INSERT INTO storage_pointers (id, vm_id, host, location, base_ref, kind, clone_id, disk)"
              + " VALUES (?, ?, ?, ?, ?, 'ORIGINAL', ?, ?) ON CONFLICT (id) DO NOTHING",
          disk.sourcePointer(),
          freeze.vm().value(),
          host,
          disk.sourcePointer(),
          disk.baseRef(),
          cloneId,
          disk.device());
    }
  }

  @Override
  public void recordClonePointer(UUID cloneId, String sourceVm, ClonePointer pointer, String host) {
    List<ClonePointer.DiskPointer> disks = pointer.disks().isEmpty()
        ? List.of(new ClonePointer.DiskPointer(null, pointer.pointerId(), pointer.location(), pointer.baseRef()))
        : pointer.disks();
    for (ClonePointer.DiskPointer disk : disks) {
      jdbc.update(
          "INSERT INTO frozen_bases (base_ref, source_vm, clone_id, frozen_at, disk) VALUES (?, ?, ?, now(), ?)"
              + " ON CONFLICT DO NOTHING",
          disk.baseRef(),
          sourceVm,
          cloneId,
          disk.device());
      jdbc.update(
          "INSERT INTO storage_pointers (id, host, location, base_ref, kind, clone_id, clone_index, disk)"
              + " VALUES (?, ?, ?, ?, 'CLONE', ?, ?, ?) ON CONFLICT (id) DO NOTHING",
          disk.pointerId(),
          host,
          disk.location(),
          disk.baseRef(),
          cloneId,
          pointer.index(),
          disk.device());
    }
  }
}
