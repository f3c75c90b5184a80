package io.hotclone.support.inbox;

import io.hotclone.events.EventEnvelope;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Records processed event ids; call inside the transaction that commits the event's effect. */
public class Inbox {

  private final JdbcTemplate jdbc;

  public Inbox(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Claims an event for processing in the current transaction.
   *
   * @return true the first time this event id is seen; false for a repeat, whose effect must be
   *     skipped
   */
  public boolean claim(EventEnvelope event) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("Inbox.claim needs a transaction");
    }
    return jdbc.update(
            "INSERT INTO inbox (event_id, type, clone_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            event.eventId(),
            event.type(),
            event.cloneId())
        == 1;
  }

  /** Whether an event id was already processed (a read outside the effect's transaction). */
  public boolean seen(EventEnvelope event) {
    Integer n =
        jdbc.queryForObject("SELECT count(*) FROM inbox WHERE event_id = ?", Integer.class, event.eventId());
    return n != null && n > 0;
  }
}
