package io.hotclone.api.webhooks.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Deliveries (table {@code webhook_deliveries}). {@link #claim} is what several senders (clone-api
 * instances) share the work by: {@code FOR UPDATE SKIP LOCKED}, and a claimed row's {@code
 * next_attempt_at} moved to the end of the sender's request timeout, so no other sender takes it
 * while it is being sent and any may once that passed (a sender that died).
 */
@Repository
public class WebhookDeliveries {

  private static final String COLUMNS = "d.id, d.endpoint_id, d.event_id, d.type, d.ordering_key, d.status,"
      + " d.attempts, d.last_status_code, d.last_error, d.created_at, d.last_attempt_at, d.next_attempt_at, d.ended_at";

  private final JdbcTemplate jdbc;

  public WebhookDeliveries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A delivery claimed for sending, with what the request needs. */
  public record Claimed(Delivery delivery, String url, String secret, byte[] body) {}

  /** A new PENDING delivery, due now; none if this event has one for this endpoint already. Joins the caller's transaction. */
  public void insert(UUID endpointId, UUID eventId, String type, UUID orderingKey, byte[] body, Instant now) {
    jdbc.update("INSERT INTO webhook_deliveries (endpoint_id, event_id, type, ordering_key, body, status, created_at,"
            + " next_attempt_at) VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?) ON CONFLICT (endpoint_id, event_id) DO NOTHING",
        endpointId, eventId, type, orderingKey, body, Timestamp.from(now), Timestamp.from(now));
  }

  /**
   * Claims (run in a transaction) up to {@code limit} due deliveries, at most one per endpoint and
   * none of {@code busyEndpoints}, each the oldest PENDING one of its (endpoint, key), of endpoints
   * not disabled, oldest first; marks them not due before {@code claimUntil}.
   */
  public List<Claimed> claim(int limit, Set<UUID> busyEndpoints, Instant now, Instant claimUntil) {
    UUID[] busy = busyEndpoints.toArray(UUID[]::new);
    Map<UUID, Long> firstPerEndpoint = new LinkedHashMap<>();
    jdbc.query(con -> {
      var ps = con.prepareStatement("SELECT d.id, d.endpoint_id FROM webhook_deliveries d"
          + " JOIN webhook_endpoints e ON e.id = d.endpoint_id"
          + " WHERE d.status = 'PENDING' AND d.next_attempt_at <= ? AND e.disabled_at IS NULL"
          + " AND NOT (d.endpoint_id = ANY (?))"
          + " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = d.endpoint_id"
          + "   AND o.ordering_key = d.ordering_key AND o.status = 'PENDING' AND o.id < d.id)"
          + " ORDER BY d.id LIMIT ? FOR UPDATE OF d SKIP LOCKED");
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setArray(2, con.createArrayOf("uuid", busy));
      ps.setInt(3, limit * 4);
      return ps;
    }, rs -> {
      firstPerEndpoint.putIfAbsent(rs.getObject(2, UUID.class), rs.getLong(1));
    });
    List<Long> ids = firstPerEndpoint.values().stream().limit(limit).toList();
    if (ids.isEmpty()) {
      return List.of();
    }
    Long[] array = ids.toArray(Long[]::new);
    jdbc.update(con -> {
      var ps = con.prepareStatement("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ANY (?)");
      ps.setTimestamp(1, Timestamp.from(claimUntil));
      ps.setArray(2, con.createArrayOf("bigint", array));
      return ps;
    });
    return jdbc.query(con -> {
      var ps = con.prepareStatement("SELECT " + COLUMNS + ", e.url, e.secret, d.body FROM webhook_deliveries d"
          + " JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ANY (?) ORDER BY d.id");
      ps.setArray(1, con.createArrayOf("bigint", array));
      return ps;
    }, (rs, i) -> new Claimed(map(rs, i), rs.getString("url"), rs.getString("secret"), rs.getBytes("body")));
  }

  /** The attempt got a 2xx answer ({@code last_error} keeps the error of an earlier attempt, if any). */
  public void delivered(long id, int statusCode, Instant now) {
    jdbc.update("UPDATE webhook_deliveries SET status = 'DELIVERED', attempts = attempts + 1, last_status_code = ?,"
        + " last_attempt_at = ?, next_attempt_at = NULL, ended_at = ? WHERE id = ?",
        statusCode, Timestamp.from(now), Timestamp.from(now), id);
  }

  /** The attempt failed; tried again at {@code next}, or {@code FAILED} for good when it is null. */
  public void attemptFailed(long id, Integer statusCode, String error, Instant now, Instant next) {
    jdbc.update("UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_status_code = ?,"
        + " last_error = ?, last_attempt_at = ?, next_attempt_at = ?, ended_at = ? WHERE id = ?",
        next == null ? "FAILED" : "PENDING", statusCode, error, Timestamp.from(now),
        next == null ? null : Timestamp.from(next), next == null ? Timestamp.from(now) : null, id);
  }

  /** At most {@code limit} deliveries of an endpoint older than {@code before} (null: the newest), newest first. */
  public List<Delivery> log(UUID endpointId, Long before, int limit) {
    return jdbc.query("SELECT " + COLUMNS + " FROM webhook_deliveries d WHERE d.endpoint_id = ?"
            + " AND (?::bigint IS NULL OR d.id < ?) ORDER BY d.id DESC LIMIT ?",
        WebhookDeliveries::map, endpointId, before, before, limit);
  }

  /** Deletes ended deliveries that ended before {@code cutoff}; returns how many. */
  public int purgeEndedBefore(Instant cutoff) {
    return jdbc.update("DELETE FROM webhook_deliveries WHERE status <> 'PENDING' AND ended_at < ?", Timestamp.from(cutoff));
  }

  static Delivery map(ResultSet rs, int row) throws SQLException {
    int code = rs.getInt("last_status_code");
    Integer lastStatus = rs.wasNull() ? null : code;
    return new Delivery(
        rs.getLong("id"),
        rs.getObject("endpoint_id", UUID.class),
        rs.getObject("event_id", UUID.class),
        rs.getString("type"),
        rs.getObject("ordering_key", UUID.class),
        Delivery.Status.valueOf(rs.getString("status")),
        rs.getInt("attempts"),
        lastStatus,
        rs.getString("last_error"),
        WebhookEndpoints.instant(rs, "created_at"),
        WebhookEndpoints.instant(rs, "last_attempt_at"),
        WebhookEndpoints.instant(rs, "next_attempt_at"),
        WebhookEndpoints.instant(rs, "ended_at"));
  }
}
