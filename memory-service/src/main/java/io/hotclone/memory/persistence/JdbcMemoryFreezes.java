package io.hotclone.memory.persistence;

import io.hotclone.events.MemoryFrozen;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.MemoryThaw;
import java.sql.Timestamp;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** {@link MemoryFreezes} in the {@code memory_freezes} table. */
@Repository
public class JdbcMemoryFreezes implements MemoryFreezes {

  private final JdbcTemplate jdbc;

  public JdbcMemoryFreezes(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void recordFreeze(UUID cloneId, MemoryFreeze frozen) {
    jdbc.update(
        "INSERT INTO memory_freezes (clone_id, vm_id, tier_order, cut_at, pause_micros, memory_bytes)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (clone_id) DO NOTHING",
        cloneId,
        frozen.vm().value(),
        String.join(",", frozen.tierOrder()),
        Timestamp.from(frozen.cutAt()),
        MemoryFrozen.pauseMicrosOf(frozen.pauseNanos()),
        frozen.memoryBytes());
  }

  @Override
  public long recordThaw(UUID cloneId, MemoryThaw thaw) {
    jdbc.update(
        "UPDATE memory_freezes SET merged_pages = ?, thawed_at = ? WHERE clone_id = ?",
        thaw.mergedPages(),
        Timestamp.from(thaw.thawedAt()),
        cloneId);
    return jdbc.query(
            "SELECT (extract(epoch FROM (thawed_at - cut_at)) * 1000)::bigint FROM memory_freezes WHERE clone_id = ?",
            (rs, i) -> rs.getLong(1),
            cloneId)
        .stream()
        .findFirst()
        .orElse(0L);
  }
}
