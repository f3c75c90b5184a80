package io.hotclone.api.persistence;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Failure;
import io.hotclone.api.domain.Phase;
import io.hotclone.events.EventCodec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** The clone operations (table {@code clone_operations}). */
@Repository
public class CloneOperations {

  private static final String COLUMNS =
      "id, idempotency_key, source_vm, source_vm_name, source_host, target_host, count, names::text,"
          + " lease_millis, phase, requested_at, updated_at, step_times::text, completed_at, failed_step,"
          + " failure_reason, clones::text, source_pause_micros, freeze_millis";

  private final JdbcTemplate jdbc;
  private final JsonColumns json;
  private final RowMapper<CloneOperation> rows = this::map;

  public CloneOperations(JdbcTemplate jdbc, EventCodec codec) {
    this.jdbc = jdbc;
    this.json = new JsonColumns(codec.mapper());
  }

  /**
   * Inserts a new operation.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the idempotency key is taken
   */
  public void insert(CloneOperation op) {
    jdbc.update(
        "INSERT INTO clone_operations (id, idempotency_key, source_vm, source_vm_name, source_host,"
            + " target_host, count, names, lease_millis, phase, requested_at, updated_at, step_times)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb)",
        op.id(),
        op.idempotencyKey(),
        op.sourceVm(),
        op.sourceVmName(),
        op.sourceHost(),
        op.targetHost(),
        op.count(),
        json.names(op.names()),
        op.leaseMillis(),
        op.phase().name(),
        ts(op.requestedAt()),
        ts(op.updatedAt()),
        json.times(op.reachedAt()));
  }

  /** Writes everything that changes after the request. Call on a row locked by {@link #lock}. */
  public void update(CloneOperation op) {
    jdbc.update(
        "UPDATE clone_operations SET phase = ?, updated_at = ?, step_times = ?::jsonb, completed_at = ?,"
            + " failed_step = ?, failure_reason = ?, clones = ?::jsonb, source_pause_micros = ?,"
            + " freeze_millis = ? WHERE id = ?",
        op.phase().name(),
        ts(op.updatedAt()),
        json.times(op.reachedAt()),
        ts(op.completedAt()),
        op.failure() == null ? null : op.failure().step(),
        op.failure() == null ? null : op.failure().reason(),
        json.clones(op.clones()),
        op.sourcePauseMicros(),
        op.freezeMillis(),
        op.id());
  }

  public Optional<CloneOperation> find(UUID id) {
    return jdbc.query("SELECT " + COLUMNS + " FROM clone_operations WHERE id = ?", rows, id).stream().findFirst();
  }

  /** Reads and row-locks an operation for the rest of the caller's transaction. */
  public Optional<CloneOperation> lock(UUID id) {
    return jdbc.query("SELECT " + COLUMNS + " FROM clone_operations WHERE id = ? FOR UPDATE", rows, id)
        .stream()
        .findFirst();
  }

  public Optional<CloneOperation> findByIdempotencyKey(String key) {
    return jdbc.query("SELECT " + COLUMNS + " FROM clone_operations WHERE idempotency_key = ?", rows, key)
        .stream()
        .findFirst();
  }

  /** Newest first; {@code sourceVm} matches the source's id or its name at request time. */
  public List<CloneOperation> list(String sourceVm, Phase phase, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM clone_operations WHERE true");
    List<Object> args = new ArrayList<>();
    if (sourceVm != null && !sourceVm.isBlank()) {
      sql.append(" AND (source_vm = ? OR source_vm_name = ?)");
      args.add(sourceVm);
      args.add(sourceVm);
    }
    if (phase != null) {
      sql.append(" AND phase = ?");
      args.add(phase.name());
    }
    sql.append(" ORDER BY requested_at DESC, id LIMIT ?");
    args.add(limit);
    return jdbc.query(sql.toString(), rows, args.toArray());
  }

  /** Whether a clone of {@code vmId} is in progress (its source may be frozen). */
  public boolean inProgressFrom(String vmId) {
    Integer n =
        jdbc.queryForObject(
            "SELECT count(*) FROM clone_operations WHERE source_vm = ? AND phase NOT IN ('COMPLETED', 'FAILED')",
            Integer.class,
            vmId);
    return n != null && n > 0;
  }

  /** Ids of operations not terminal and requested before {@code cutoff}, oldest first. */
  public List<UUID> overdue(Instant cutoff, int limit) {
    return jdbc.queryForList(
        "SELECT id FROM clone_operations WHERE phase NOT IN ('COMPLETED', 'FAILED') AND requested_at < ?"
            + " ORDER BY requested_at LIMIT ?",
        UUID.class,
        ts(cutoff),
        limit);
  }

  private CloneOperation map(ResultSet rs, int i) throws SQLException {
    String failedStep = rs.getString("failed_step");
    return new CloneOperation(
        rs.getObject("id", UUID.class),
        rs.getString("idempotency_key"),
        rs.getString("source_vm"),
        rs.getString("source_vm_name"),
        rs.getString("source_host"),
        rs.getString("target_host"),
        rs.getInt("count"),
        json.names(rs.getString("names")),
        rs.getLong("lease_millis"),
        Phase.valueOf(rs.getString("phase")),
        instant(rs, "requested_at"),
        instant(rs, "updated_at"),
        json.times(rs.getString("step_times")),
        instant(rs, "completed_at"),
        failedStep == null ? null : new Failure(failedStep, rs.getString("failure_reason")),
        json.clones(rs.getString("clones")),
        (Long) rs.getObject("source_pause_micros"),
        (Long) rs.getObject("freeze_millis"));
  }

  static Timestamp ts(Instant at) {
    return at == null ? null : Timestamp.from(at);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
