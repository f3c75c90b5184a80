package io.hotclone.support.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The outbox table as {@link Outbox} and {@link OutboxRelay} use it. {@link JdbcOutboxRows} is the
 * one implementation (PostgreSQL, exercised by the devstack integration tests); the port exists so
 * the relay's and the outbox's decisions can be unit-tested against a fake.
 */
public interface OutboxRows {

  /**
   * Inserts a row in the caller's transaction.
   *
   * @return the row as the relay sends it (with its generated id); empty when a row with this
   *     {@code eventId} exists already (it is published, or will be, from that row)
   */
  Optional<OutboxRelay.Row> insert(
      UUID eventId, UUID cloneId, String topic, String type, String contentType, String traceparent, byte[] body);

  /** Up to {@code limit} rows not yet published and created more than {@code olderThan} ago, by id. */
  List<OutboxRelay.Row> unpublished(Duration olderThan, int limit);

  /** Marks the rows published, in a transaction of its own. */
  void markPublished(List<Long> ids);
}
