package io.hotclone.support.lease;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.EventCodec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code freeze_leases} table of a service that freezes something (storage or memory). */
public class FreezeLeases implements LeaseStore {

  private final JdbcTemplate jdbc;
  private final EventCodec codec;

  public FreezeLeases(JdbcTemplate jdbc, EventCodec codec) {
    this.jdbc = jdbc;
    this.codec = codec;
  }

  @Override
  public void register(UUID cloneId, String vmId, ClonePlan plan, Instant leaseUntil) {
    jdbc.update(
        "INSERT INTO freeze_leases (clone_id, vm_id, plan, state, lease_until) VALUES (?, ?, ?, 'FREEZING', ?)"
            + " ON CONFLICT (clone_id) DO NOTHING",
        cloneId,
        vmId,
        codec.mapper().writeValueAsString(plan),
        Timestamp.from(leaseUntil));
  }

  @Override
  public void markFrozen(UUID cloneId, Instant at) {
    jdbc.update(
        "UPDATE freeze_leases SET state = 'FROZEN', frozen_at = ? WHERE clone_id = ? AND state = 'FREEZING'",
        Timestamp.from(at),
        cloneId);
  }

  @Override
  public boolean end(UUID cloneId, LeaseState state, String reason, Instant at) {
    if (state.held()) {
      throw new IllegalArgumentException("a lease ends as THAWED or RELEASED, not " + state);
    }
    return jdbc.update(
            "UPDATE freeze_leases SET state = ?, reason = ?, ended_at = ? WHERE clone_id = ?"
                + " AND state IN ('FREEZING', 'FROZEN')",
            state.name(),
            reason,
            Timestamp.from(at),
            cloneId)
        == 1;
  }

  @Override
  public Optional<Lease> find(UUID cloneId) {
    return jdbc
        .query("SELECT clone_id, vm_id, plan, state, lease_until FROM freeze_leases WHERE clone_id = ?", this::map, cloneId)
        .stream()
        .findFirst();
  }

  @Override
  public List<Lease> expired(Instant now) {
    return jdbc.query(
        "SELECT clone_id, vm_id, plan, state, lease_until FROM freeze_leases"
            + " WHERE state IN ('FREEZING', 'FROZEN') AND lease_until < ? ORDER BY lease_until LIMIT 100",
        this::map,
        Timestamp.from(now));
  }

  private Lease map(ResultSet rs, int i) throws SQLException {
    return new Lease(
        rs.getObject(1, UUID.class),
        rs.getString(2),
        codec.mapper().readValue(rs.getString(3), ClonePlan.class),
        LeaseState.valueOf(rs.getString(4)),
        rs.getTimestamp(5).toInstant());
  }
}
