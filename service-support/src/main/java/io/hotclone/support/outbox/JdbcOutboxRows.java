package io.hotclone.support.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** {@link OutboxRows} in the service's PostgreSQL schema (table {@code outbox}, migrations in {@code db/support}). */
public class JdbcOutboxRows implements OutboxRows {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;

  /** {@code tx} runs {@link #markPublished}; {@link #insert} joins the caller's transaction. */
  public JdbcOutboxRows(JdbcTemplate jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  @Override
  public Optional<OutboxRelay.Row> insert(
      UUID eventId, UUID cloneId, String topic, String type, String contentType, String traceparent, byte[] body) {
    List<Long> ids =
        jdbc.queryForList(
            "INSERT INTO outbox (event_id, clone_id, topic, type, content_type, traceparent, body)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING id",
            Long.class,
            eventId,
            cloneId,
            topic,
            type,
            contentType,
            traceparent,
            body);
    return ids.isEmpty()
        ? Optional.empty()
        : Optional.of(new OutboxRelay.Row(ids.get(0), cloneId, topic, type, contentType, traceparent, body));
  }

  @Override
  public List<OutboxRelay.Row> unpublished(Duration olderThan, int limit) {
    return jdbc.query(
        "SELECT id, clone_id, topic, type, content_type, traceparent, body FROM outbox WHERE published_at IS NULL"
            + " AND created_at < now() - make_interval(secs => ?) ORDER BY id LIMIT ?",
        (rs, i) ->
            new OutboxRelay.Row(
                rs.getLong(1),
                rs.getObject(2, UUID.class),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getBytes(7)),
        olderThan.toMillis() / 1000.0,
        limit);
  }

  @Override
  public void markPublished(List<Long> ids) {
    Long[] array = ids.toArray(Long[]::new);
    tx.executeWithoutResult(
        s ->
            jdbc.update(
                con -> {
                  var ps = con.prepareStatement("UPDATE outbox SET published_at = now() WHERE id = ANY (?)");
                  ps.setArray(1, con.createArrayOf("bigint", array));
                  return ps;
                }));
  }
}
