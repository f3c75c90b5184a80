package io.hotclone.api.persistence;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Failure;
import io.hotclone.api.domain.Outcome;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.domain.Progress;
import io.hotclone.api.domain.Request;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.EventCodec;
import io.hotclone.events.Requester;
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
          + " failure_reason, clones::text, source_pause_micros, freeze_millis, tenant, requested_by, key_id, saga_id,"
          + " labels::text, target_hosts::text, placement, partial, failed_clones::text";
  /** The phases in which an operation freezes its source or may still do so ({@link Phase#freezesSource}). */
  private static final String FREEZING_PHASES =
      java.util.Arrays.stream(Phase.values()).filter(Phase::freezesSource)
          .map(p -> "'" + p.name() + "'").collect(java.util.stream.Collectors.joining(", ", "(", ")"));
  /** The first key of the per-source advisory locks (the second is the hash of the VM id). */
  private static final int SOURCE_LOCK = 0x48436c53;
  /** Any constant: the advisory lock that serializes admission of new operations. */
  private static final long ADMISSION_LOCK = 0x486f74436c6f6e65L;

  private final JdbcTemplate jdbc;
  private final JsonColumns json;
  private final RowMapper<CloneOperation> rows = this::map;

  public CloneOperations(JdbcTemplate jdbc, EventCodec codec) {
    this.jdbc = jdbc;
    this.json = new JsonColumns(codec.mapper());
  }

  /**
   * Inserts a new operation; {@code fingerprint} identifies its request body (for the idempotency
   * key); the request's identity policy (wire name, {@code null}: the default) and its trace are
   * kept for a request that waits for its source, to be dispatched with them.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the tenant's idempotency key is taken
   */
  public void insert(CloneOperation op, String fingerprint, String identityPolicy, String traceparent) {
    Request request = op.request();
    ClonePlan plan = op.plan();
    jdbc.update(
        "INSERT INTO clone_operations (id, idempotency_key, source_vm, source_vm_name, source_host,"
            + " target_host, count, names, lease_millis, phase, requested_at, updated_at, step_times,"
            + " tenant, requested_by, key_id, request_fingerprint, saga_id, identity_policy, traceparent, labels,"
            + " target_hosts, placement, partial)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)",
        op.id(),
        request.idempotencyKey(),
        plan.sourceVm(),
        request.sourceVmName(),
        plan.sourceHost(),
        plan.targetHost(),
        plan.count(),
        json.names(plan.names()),
        plan.leaseMillis(),
        op.phase().name(),
        ts(request.requestedAt()),
        ts(op.progress().updatedAt()),
        json.times(op.progress().reachedAt()),
        request.tenant(),
        request.requester().subject(),
        request.requester().keyId(),
        fingerprint,
        op.sagaId(),
        identityPolicy,
        traceparent,
        json.labels(request.labels()),
        plan.targetHosts().isEmpty() ? null : json.names(plan.targetHosts()),
        request.placement(),
        plan.partial());
  }

  /** Writes everything that changes after the request. Call on a row locked by {@link #lock}. */
  public void update(CloneOperation op) {
    Progress progress = op.progress();
    Outcome outcome = op.outcome();
    jdbc.update(
        "UPDATE clone_operations SET phase = ?, updated_at = ?, step_times = ?::jsonb, completed_at = ?,"
            + " failed_step = ?, failure_reason = ?, clones = ?::jsonb, source_pause_micros = ?,"
            + " freeze_millis = ?, failed_clones = ?::jsonb WHERE id = ?",
        progress.phase().name(),
        ts(progress.updatedAt()),
        json.times(progress.reachedAt()),
        ts(outcome.completedAt()),
        outcome.failure() == null ? null : outcome.failure().step(),
        outcome.failure() == null ? null : outcome.failure().reason(),
        json.clones(outcome.clones()),
        progress.sourcePauseMicros(),
        progress.freezeMillis(),
        json.failedClones(outcome.failedClones()),
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

  /**
   * An operation as a member of a saga: its offset among the saga's clones, and what its dispatch
   * needs (the request's identity policy and trace).
   */
  public record Member(CloneOperation operation, int offset, String identityPolicy, String traceparent) {}

  private static final String MEMBER_COLUMNS = COLUMNS + ", saga_offset, identity_policy, traceparent";

  private final RowMapper<Member> members =
      (rs, i) -> new Member(map(rs, i), rs.getInt("saga_offset"), rs.getString("identity_policy"), rs.getString("traceparent"));

  /** Reads and row-locks the operations served by saga {@code sagaId}, by offset. */
  public List<Member> lockSaga(UUID sagaId) {
    return jdbc.query(
        "SELECT " + MEMBER_COLUMNS + " FROM clone_operations WHERE saga_id = ? ORDER BY saga_offset, id FOR UPDATE",
        members, sagaId);
  }

  /**
   * Takes the lock of source VM {@code vmId} for the rest of the caller's transaction: deciding
   * whether a request of the source waits, and handing the waiting ones to a saga, are then one step
   * for every clone-api instance.
   */
  public void lockSource(String vmId) {
    jdbc.queryForObject(
        "SELECT 1 FROM (SELECT pg_advisory_xact_lock(?, hashtext(?))) l", Integer.class, SOURCE_LOCK, vmId);
  }

  /** Whether an operation of {@code vmId} waits, or freezes the source or is about to. */
  public boolean sourceBusy(String vmId) {
    return exists("SELECT count(*) FROM clone_operations WHERE source_vm = ? AND phase IN " + FREEZING_PHASES, vmId);
  }

  /** Whether a saga of {@code vmId} freezes it or is about to (waiting requests aside). */
  public boolean sourceFrozen(String vmId) {
    return exists(
        "SELECT count(*) FROM clone_operations WHERE source_vm = ? AND saga_id IS NOT NULL AND phase IN "
            + FREEZING_PHASES, vmId);
  }

  private boolean exists(String countSql, Object... args) {
    Integer n = jdbc.queryForObject(countSql, Integer.class, args);
    return n != null && n > 0;
  }

  /** Reads and row-locks the requests of {@code vmId} that wait for a saga, oldest first. */
  public List<Member> lockWaiting(String vmId) {
    return jdbc.query(
        "SELECT " + MEMBER_COLUMNS + " FROM clone_operations WHERE source_vm = ? AND saga_id IS NULL"
            + " AND phase = 'REQUESTED' ORDER BY requested_at, id FOR UPDATE",
        members, vmId);
  }

  /** Hands a waiting operation (locked) to saga {@code sagaId}, its clones from {@code offset} on. */
  public void joinSaga(UUID id, UUID sagaId, int offset) {
    jdbc.update("UPDATE clone_operations SET saga_id = ?, saga_offset = ? WHERE id = ?", sagaId, offset, id);
  }

  /** An operation made with an idempotency key, and the fingerprint of the body that made it. */
  public record Keyed(CloneOperation operation, String fingerprint) {}

  /** The operation {@code tenant} made with idempotency key {@code key}. */
  public Optional<Keyed> findByIdempotencyKey(String tenant, String key) {
    return jdbc.query(
            "SELECT " + COLUMNS + ", request_fingerprint FROM clone_operations WHERE tenant = ? AND idempotency_key = ?",
            (rs, i) -> new Keyed(map(rs, i), rs.getString("request_fingerprint")),
            tenant,
            key)
        .stream()
        .findFirst();
  }

  /**
   * Takes the admission lock for the rest of the caller's transaction: counting operations in
   * flight and inserting a new one are then one step for every clone-api instance.
   */
  public void lockAdmission() {
    jdbc.queryForObject("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?)) l", Integer.class, ADMISSION_LOCK);
  }

  /** Operations not COMPLETED or FAILED, of {@code tenant} ({@code null}: of every tenant). */
  public int countInFlight(String tenant) {
    Integer n = tenant == null
        ? jdbc.queryForObject(
            "SELECT count(*) FROM clone_operations WHERE phase NOT IN ('COMPLETED', 'FAILED')", Integer.class)
        : jdbc.queryForObject(
            "SELECT count(*) FROM clone_operations WHERE phase NOT IN ('COMPLETED', 'FAILED') AND tenant = ?",
            Integer.class, tenant);
    return n == null ? 0 : n;
  }

  /** Where a page of {@link #list} starts: after the operation requested at {@code requestedAt} with {@code id}. */
  public record After(Instant requestedAt, UUID id) {}

  /**
   * Newest first, then by id (a total order, for paging): at most {@code limit} operations after
   * {@code after} (null: from the newest); {@code sourceVm} matches the source's id or its name at
   * request time; {@code tenant} restricts to one tenant's operations ({@code null}: every
   * tenant's); {@code labels}: only requests that asked for every one of these labels.
   */
  public List<CloneOperation> list(
      String tenant, String sourceVm, Phase phase, java.util.Map<String, String> labels, After after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM clone_operations WHERE true");
    List<Object> args = new ArrayList<>();
    if (tenant != null) {
      sql.append(" AND tenant = ?");
      args.add(tenant);
    }
    if (sourceVm != null && !sourceVm.isBlank()) {
      sql.append(" AND (source_vm = ? OR source_vm_name = ?)");
      args.add(sourceVm);
      args.add(sourceVm);
    }
    if (phase != null) {
      sql.append(" AND phase = ?");
      args.add(phase.name());
    }
    if (labels != null && !labels.isEmpty()) {
      sql.append(" AND labels @> ?::jsonb");
      args.add(json.labels(labels));
    }
    if (after != null) {
      sql.append(" AND (requested_at < ? OR (requested_at = ? AND id > ?))");
      args.add(ts(after.requestedAt()));
      args.add(ts(after.requestedAt()));
      args.add(after.id());
    }
    sql.append(" ORDER BY requested_at DESC, id LIMIT ?");
    args.add(limit);
    return jdbc.query(sql.toString(), rows, args.toArray());
  }

  /** {@link #list(String, String, Phase, java.util.Map, After, int)}: the newest {@code limit}, no label filter. */
  public List<CloneOperation> list(String tenant, String sourceVm, Phase phase, int limit) {
    return list(tenant, sourceVm, phase, null, null, limit);
  }

  /** Whether a clone of {@code vmId} is in progress (its source may be frozen). */
  public boolean inProgressFrom(String vmId) {
    return exists(
        "SELECT count(*) FROM clone_operations WHERE source_vm = ? AND phase NOT IN ('COMPLETED', 'FAILED')", vmId);
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
    ClonePlan plan =
        new ClonePlan(
            rs.getString("source_vm"),
            rs.getString("source_host"),
            rs.getString("target_host"),
            rs.getInt("count"),
            json.names(rs.getString("names")),
            rs.getLong("lease_millis"),
            null,
            json.names(rs.getString("target_hosts")),
            rs.getBoolean("partial"),
            false);
    Request request =
        new Request(
            rs.getString("idempotency_key"),
            new Requester(rs.getString("requested_by"), rs.getString("tenant"), rs.getString("key_id")),
            plan,
            rs.getString("source_vm_name"),
            instant(rs, "requested_at"),
            json.labels(rs.getString("labels")),
            rs.getString("placement"));
    Progress progress =
        new Progress(
            Phase.valueOf(rs.getString("phase")),
            json.times(rs.getString("step_times")),
            instant(rs, "updated_at"),
            (Long) rs.getObject("source_pause_micros"),
            (Long) rs.getObject("freeze_millis"));
    Outcome outcome =
        new Outcome(
            instant(rs, "completed_at"),
            json.clones(rs.getString("clones")),
            failedStep == null ? null : new Failure(failedStep, rs.getString("failure_reason")),
            json.failedClones(rs.getString("failed_clones")));
    return new CloneOperation(
        rs.getObject("id", UUID.class), request, progress, outcome, rs.getObject("saga_id", UUID.class));
  }

  static Timestamp ts(Instant at) {
    return at == null ? null : Timestamp.from(at);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
