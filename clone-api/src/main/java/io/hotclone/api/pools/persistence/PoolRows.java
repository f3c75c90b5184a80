package io.hotclone.api.pools.persistence;

import io.hotclone.api.pools.Pool;
import io.hotclone.api.pools.PoolCounts;
import io.hotclone.api.pools.PoolSettings;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pool tables. A {@code tenantFilter} of {@code null} means every tenant (an admin). Methods
 * that lock need the caller's transaction.
 */
@Repository
public class PoolRows {

  private static final String COLUMNS = "id, tenant, name, source_vm, min_ready, max_size, placement, identity_policy,"
      + " max_age_millis, labels, created_by, created_at, updated_at, deleted_at, refill_failures, next_refill_at, last_failure";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<java.util.TreeMap<String, String>> LABELS = new TypeReference<>() {};

  /** A member: a clone a refill made, {@code READY} since {@code readyAt} or {@code CLAIMED}. */
  public record Member(String vmId, UUID poolId, UUID operationId, String state, Instant readyAt) {}

  private final JdbcTemplate jdbc;

  public PoolRows(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** @throws org.springframework.dao.DuplicateKeyException when the tenant has a pool of that name */
  public void insert(Pool p) {
    PoolSettings s = p.settings();
    jdbc.update("INSERT INTO pools (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, NULL, 0, NULL, NULL)",
        p.id(), p.tenant(), s.name(), s.sourceVm(), s.minReady(), s.maxSize(), s.placement(), s.identityPolicy(),
        s.maxAge() == null ? null : s.maxAge().toMillis(), JSON.writeValueAsString(s.labels()), p.createdBy(),
        ts(p.createdAt()), ts(p.updatedAt()));
  }

  /** The live (not deleted) pool of that name the caller's tenant filter sees. */
  public Optional<Pool> find(String tenantFilter, String name) {
    return jdbc.query("SELECT " + COLUMNS + " FROM pools WHERE name = ? AND deleted_at IS NULL AND (?::text IS NULL OR tenant = ?)"
        + " ORDER BY tenant LIMIT 1", this::map, name, tenantFilter, tenantFilter).stream().findFirst();
  }

  public Optional<Pool> find(UUID id) {
    return jdbc.query("SELECT " + COLUMNS + " FROM pools WHERE id = ?", this::map, id).stream().findFirst();
  }

  /** Live pools after {@code (tenant, name)} (null: from the start), in that order. */
  public List<Pool> list(String tenantFilter, List<String> after, int limit) {
    String a0 = after == null ? null : after.get(0);
    String a1 = after == null ? null : after.get(1);
    return jdbc.query("SELECT " + COLUMNS + " FROM pools WHERE deleted_at IS NULL AND (?::text IS NULL OR tenant = ?)"
        + " AND (?::text IS NULL OR (tenant, name) > (?, ?)) ORDER BY tenant, name LIMIT ?",
        this::map, tenantFilter, tenantFilter, a0, a0, a1, limit);
  }

  /** Every pool id, deleted ones (being drained) too. */
  public List<UUID> allIds() {
    return jdbc.queryForList("SELECT id FROM pools ORDER BY created_at", UUID.class);
  }

  /** The pool, its row locked, unless another transaction holds it (then empty: skip it this time). */
  public Optional<Pool> lockUnlessBusy(UUID id) {
    return jdbc.query("SELECT " + COLUMNS + " FROM pools WHERE id = ? FOR UPDATE SKIP LOCKED", this::map, id).stream().findFirst();
  }

  /** The pool, its row locked (waiting for another holder). */
  public Optional<Pool> lock(UUID id) {
    return jdbc.query("SELECT " + COLUMNS + " FROM pools WHERE id = ? FOR UPDATE", this::map, id).stream().findFirst();
  }

  public void resize(UUID id, int minReady, int maxSize, Instant now) {
    jdbc.update("UPDATE pools SET min_ready = ?, max_size = ?, updated_at = ? WHERE id = ?", minReady, maxSize, ts(now), id);
  }

  public void markDeleted(UUID id, Instant now) {
    jdbc.update("UPDATE pools SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL", ts(now), ts(now), id);
  }

  public void remove(UUID id) {
    jdbc.update("DELETE FROM pools WHERE id = ?", id);
  }

  /** A refill failed: {@code failures} in a row, none tried before {@code next}. */
  public void refillFailed(UUID id, int failures, Instant next, String reason) {
    jdbc.update("UPDATE pools SET refill_failures = ?, next_refill_at = ?, last_failure = ? WHERE id = ?",
        failures, ts(next), reason == null ? null : reason.substring(0, Math.min(reason.length(), 500)), id);
  }

  public void refillSucceeded(UUID id) {
    jdbc.update("UPDATE pools SET refill_failures = 0, next_refill_at = NULL WHERE id = ?", id);
  }

  /** Ready, creating and claimed (still alive) of one pool. */
  public PoolCounts counts(UUID poolId) {
    return all(poolId).getOrDefault(poolId, new PoolCounts(0, 0, 0));
  }

  /** The counts of every pool (or of {@code poolId} only). */
  public Map<UUID, PoolCounts> all(UUID poolId) {
    Map<UUID, int[]> c = new HashMap<>();
    jdbc.query("SELECT m.pool_id, m.state, count(*) AS n FROM pool_members m LEFT JOIN vms v ON v.id = m.vm_id"
            + " WHERE v.ended_at IS NULL AND (?::uuid IS NULL OR m.pool_id = ?) GROUP BY m.pool_id, m.state",
        (ResultSet rs) -> {
          int[] n = c.computeIfAbsent(rs.getObject("pool_id", UUID.class), k -> new int[3]);
          n["READY".equals(rs.getString("state")) ? 0 : 2] += rs.getInt("n");
        }, poolId, poolId);
    jdbc.query("SELECT pool_id, sum(count) AS n FROM pool_refills WHERE state = 'IN_FLIGHT' AND (?::uuid IS NULL OR pool_id = ?)"
            + " GROUP BY pool_id",
        (ResultSet rs) -> {
          c.computeIfAbsent(rs.getObject("pool_id", UUID.class), k -> new int[3])[1] += rs.getInt("n");
        }, poolId, poolId);
    Map<UUID, PoolCounts> out = new HashMap<>();
    c.forEach((k, n) -> out.put(k, new PoolCounts(n[0], n[1], n[2])));
    return out;
  }

  public void insertRefill(UUID operationId, UUID poolId, int count, Instant now) {
    jdbc.update("INSERT INTO pool_refills (operation_id, pool_id, count, state, requested_at) VALUES (?, ?, ?, 'IN_FLIGHT', ?)",
        operationId, poolId, count, ts(now));
  }

  /** The pool of an in-flight refill, the refill row locked; empty when the operation is no refill in flight. */
  public Optional<UUID> lockRefillInFlight(UUID operationId) {
    return jdbc.queryForList("SELECT pool_id FROM pool_refills WHERE operation_id = ? AND state = 'IN_FLIGHT' FOR UPDATE",
        UUID.class, operationId).stream().findFirst();
  }

  public void endRefill(UUID operationId, String state, Instant now) {
    jdbc.update("UPDATE pool_refills SET state = ?, ended_at = ? WHERE operation_id = ?", state, ts(now), operationId);
  }

  public void addReady(String vmId, UUID poolId, UUID operationId, Instant now) {
    jdbc.update("INSERT INTO pool_members (vm_id, pool_id, operation_id, state, ready_at) VALUES (?, ?, ?, 'READY', ?)"
        + " ON CONFLICT (vm_id) DO NOTHING", vmId, poolId, operationId, ts(now));
  }

  /** One ready member, oldest first, locked; members other transactions hold are skipped. */
  public Optional<String> lockOneReady(UUID poolId) {
    return jdbc.queryForList("SELECT vm_id FROM pool_members WHERE pool_id = ? AND state = 'READY'"
        + " ORDER BY ready_at, vm_id LIMIT 1 FOR UPDATE SKIP LOCKED", String.class, poolId).stream().findFirst();
  }

  public void markClaimed(String vmId, String by, Instant now) {
    jdbc.update("UPDATE pool_members SET state = 'CLAIMED', claimed_at = ?, claimed_by = ? WHERE vm_id = ?", ts(now), by, vmId);
  }

  public void removeMember(String vmId) {
    jdbc.update("DELETE FROM pool_members WHERE vm_id = ?", vmId);
  }

  /** The pool's ready members, locked (others' locks skipped), oldest first. */
  public List<Member> lockReady(UUID poolId) {
    return lockReady(poolId, null);
  }

  /**
   * The pool's ready members ready at or before {@code readyUpTo} (null: all), locked (others' locks
   * skipped), oldest first. Members not asked for stay unlocked, free for claims.
   */
  public List<Member> lockReady(UUID poolId, Instant readyUpTo) {
    return jdbc.query("SELECT vm_id, pool_id, operation_id, state, ready_at FROM pool_members WHERE pool_id = ? AND state = 'READY'"
        + " AND (?::timestamptz IS NULL OR ready_at <= ?) ORDER BY ready_at FOR UPDATE SKIP LOCKED",
        (rs, i) -> new Member(rs.getString("vm_id"), rs.getObject("pool_id", UUID.class), rs.getObject("operation_id", UUID.class),
            rs.getString("state"), rs.getTimestamp("ready_at").toInstant()), poolId, ts(readyUpTo), ts(readyUpTo));
  }

  /** Forgets ready members whose VM ended (deleted or gone): the pool no longer has them. */
  public int forgetEnded(UUID poolId) {
    return jdbc.update("DELETE FROM pool_members m USING vms v WHERE m.pool_id = ? AND v.id = m.vm_id AND v.ended_at IS NOT NULL",
        poolId);
  }

  /** The counts last published for a pool (null before the first) and their sequence number. */
  public record Published(PoolCounts counts, long sequence) {}

  /** What {@link #published} of the pool; needs the pool row locked for a compare-and-set. */
  public Published published(UUID poolId) {
    return jdbc.queryForObject("SELECT published_ready, published_creating, published_claimed, counts_sequence FROM pools WHERE id = ?",
        (rs, i) -> new Published(rs.getObject("published_ready") == null ? null
            : new PoolCounts(rs.getInt("published_ready"), rs.getInt("published_creating"), rs.getInt("published_claimed")),
            rs.getLong("counts_sequence")), poolId);
  }

  /** Records {@code counts} as published with {@code sequence}. */
  public void published(UUID poolId, PoolCounts counts, long sequence) {
    jdbc.update("UPDATE pools SET published_ready = ?, published_creating = ?, published_claimed = ?, counts_sequence = ? WHERE id = ?",
        counts.ready(), counts.creating(), counts.claimed(), sequence, poolId);
  }

  private Pool map(ResultSet rs, int i) throws SQLException {
    Long maxAge = (Long) rs.getObject("max_age_millis");
    PoolSettings s = new PoolSettings(rs.getString("name"), rs.getString("source_vm"), rs.getInt("min_ready"), rs.getInt("max_size"),
        rs.getString("placement"), rs.getString("identity_policy"), maxAge == null ? null : Duration.ofMillis(maxAge),
        JSON.readValue(rs.getString("labels"), LABELS));
    return new Pool(rs.getObject("id", UUID.class), rs.getString("tenant"), s, rs.getString("created_by"),
        instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "deleted_at"), rs.getInt("refill_failures"),
        instant(rs, "next_refill_at"), rs.getString("last_failure"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
