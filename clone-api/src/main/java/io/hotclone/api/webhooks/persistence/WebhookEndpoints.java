package io.hotclone.api.webhooks.persistence;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Webhook endpoints (table {@code webhook_endpoints}). A {@code tenantFilter} of {@code null}
 * means every tenant (an admin); otherwise another tenant's endpoint is not found.
 */
@Repository
public class WebhookEndpoints {

  private static final String COLUMNS = "id, tenant, url, types, secret, created_at, created_by,"
      + " consecutive_failures, disabled_at, disabled_reason";

  private final JdbcTemplate jdbc;

  public WebhookEndpoints(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(Endpoint e) {
    jdbc.update(con -> {
      var ps = con.prepareStatement("INSERT INTO webhook_endpoints (id, tenant, url, types, secret, created_at, created_by)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)");
      ps.setObject(1, e.id());
      ps.setString(2, e.tenant());
      ps.setString(3, e.url());
      ps.setArray(4, con.createArrayOf("text", e.types().toArray()));
      ps.setString(5, e.secret());
      ps.setTimestamp(6, Timestamp.from(e.createdAt()));
      ps.setString(7, e.createdBy());
      return ps;
    });
  }

  public Optional<Endpoint> find(UUID id, String tenantFilter) {
    return jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE id = ? AND (?::text IS NULL OR tenant = ?)",
        WebhookEndpoints::map, id, tenantFilter, tenantFilter).stream().findFirst();
  }

  /** Oldest first (created_at, id): at most {@code limit} after {@code after} ({@code [createdAt, id]}; null: from the first). */
  public List<Endpoint> list(String tenantFilter, List<String> after, int limit) {
    if (after == null) {
      return jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE (?::text IS NULL OR tenant = ?)"
          + " ORDER BY created_at, id LIMIT ?", WebhookEndpoints::map, tenantFilter, tenantFilter, limit);
    }
    return jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE (?::text IS NULL OR tenant = ?)"
            + " AND (created_at, id) > (?::timestamptz, ?::uuid) ORDER BY created_at, id LIMIT ?",
        WebhookEndpoints::map, tenantFilter, tenantFilter, after.get(0), after.get(1), limit);
  }

  /** The endpoints of {@code tenant} that are not disabled. */
  public List<Endpoint> active(String tenant) {
    return jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE tenant = ? AND disabled_at IS NULL",
        WebhookEndpoints::map, tenant);
  }

  /** Deletes it and its deliveries; false if there is none the filter admits. */
  public boolean delete(UUID id, String tenantFilter) {
    return jdbc.update("DELETE FROM webhook_endpoints WHERE id = ? AND (?::text IS NULL OR tenant = ?)",
        id, tenantFilter, tenantFilter) > 0;
  }

  /** A 2xx answer: the run of failures is over. */
  public void succeeded(UUID id) {
    jdbc.update("UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures <> 0", id);
  }

  /**
   * A failed attempt; at {@code disableAfter} consecutive ones the endpoint is disabled. Returns
   * whether this attempt disabled it.
   */
  public boolean failed(UUID id, int disableAfter, Instant now) {
    List<Integer> runs = jdbc.queryForList("UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1"
        + " WHERE id = ? RETURNING consecutive_failures", Integer.class, id);
    Integer run = runs.isEmpty() ? null : runs.get(0); // none: deleted meanwhile
    if (run != null && run >= disableAfter) {
      return jdbc.update("UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL",
          Timestamp.from(now), run + " consecutive failed attempts", id) > 0;
    }
    return false;
  }

  static Endpoint map(ResultSet rs, int row) throws SQLException {
    Array types = rs.getArray("types");
    return new Endpoint(
        rs.getObject("id", UUID.class),
        rs.getString("tenant"),
        rs.getString("url"),
        Arrays.asList((String[]) types.getArray()),
        rs.getString("secret"),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        rs.getInt("consecutive_failures"),
        instant(rs, "disabled_at"),
        rs.getString("disabled_reason"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
