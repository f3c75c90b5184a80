package io.hotclone.config.persistence;

import io.hotclone.events.ConfiguredClone;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** {@link Lineage} in the {@code lineage} table. */
@Repository
public class JdbcLineage implements Lineage {

  private final JdbcTemplate jdbc;

  public JdbcLineage(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
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

  @Override
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
