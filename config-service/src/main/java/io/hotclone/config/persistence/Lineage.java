package io.hotclone.config.persistence;

import io.hotclone.events.ConfiguredClone;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Parent → child records of every clone, with the storage each depends on (invariant I7). */
@Repository
public class Lineage {

  /** Where a VM sits in its family: its root and generation (0 for a root VM). */
  public record Position(String root, int generation) {}

  private final JdbcTemplate jdbc;

  public Lineage(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public Position positionOf(String vmId) {
    return jdbc
        .query(
            "SELECT root_vm, generation FROM lineage WHERE child_vm = ?",
            (rs, i) -> new Position(rs.getString(1), rs.getInt(2)),
            vmId)
        .stream()
        .findFirst()
        .orElse(new Position(vmId, 0));
  }

  public void record(UUID cloneId, String parent, String root, ConfiguredClone clone, String baseRef) {
    jdbc.update(
        "INSERT INTO lineage (child_vm, parent_vm, root_vm, generation, clone_id, clone_index, host,"
            + " pointer_id, base_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        clone.vmId(),
        parent,
        root,
        clone.generation(),
        cloneId,
        clone.index(),
        clone.host(),
        clone.pointerId(),
        baseRef);
  }
}
