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
public class FreezeLeases {

  /** A held or ended lease. */
  public record Lease(UUID cloneId, String vmId, ClonePlan plan, String state, Instant leaseUntil) {
    public boolean held() {
      return "FREEZING".equals(state) || "FROZEN".equals(state);
    }
  }

  private final JdbcTemplate jdbc;
  private final EventCodec codec;

  public FreezeLeases(JdbcTemplate jdbc, EventCodec codec) {
    this.jdbc = jdbc;
    this.codec = codec;
  }

  /** Records the lease before the freeze is attempted; a repeat keeps the first record. */
  public void register(UUID cloneId, String vmId, ClonePlan plan, Instant leaseUntil) {
    jdbc.update(
        "INSERT INTO freeze_leases (clone_id, vm_id, plan, state, lease_until) VALUES (?, ?, ?, 'FREEZING', ?)"
            + " ON CONFLICT (clone_id) DO NOTHING",
        cloneId,
        vmId,
        codec.mapper().writeValueAsString(plan),
        Timestamp.from(leaseUntil));
  }

  public void markFrozen(UUID cloneId, Instant at) {
    jdbc.update(
        "UPDATE freeze_leases SET state = 'FROZEN', frozen_at = ? WHERE clone_id = ? AND state = 'FREEZING'",
        Timestamp.from(at),
        cloneId);
  }

  /**
   * Ends a held lease.
   *
   * @param state {@code THAWED} (the saga unfroze) or {@code RELEASED} (compensation or expiry)
   * @return whether this call ended it (false if it was not held)
   */
  public boolean end(UUID cloneId, String state, String reason, Instant at) {
    return jdbc.update(
            "UPDATE freeze_leases SET state = ?, reason = ?, ended_at = ? WHERE clone_id = ?"
                + " AND state IN ('FREEZING', 'FROZEN')",
            state,
            reason,
            Timestamp.from(at),
            cloneId)
        == 1;
  }

  public Optional<Lease> find(UUID cloneId) {
    return jdbc
        .query("SELECT clone_id, vm_id, plan, state, lease_until FROM freeze_leases WHERE clone_id = ?", this::map, cloneId)
        .stream()
        .findFirst();
  }

  /** Held leases whose deadline has passed. */
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
        rs.getString(4),
        rs.getTimestamp(5).toInstant());
  }
}
