package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.schema;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.support.outbox.Retention;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/** Published outbox rows and inbox rows past retention are deleted; nothing unpublished or recent is. */
class RetentionIT {

  @Test
  void purgeDeletesOnlyWhatIsPastRetention() {
    JdbcTemplate transfer = schema("transfer");
    UUID oldPublished = UUID.randomUUID();
    UUID oldUnpublished = UUID.randomUUID();
    UUID recentPublished = UUID.randomUUID();
    UUID oldInbox = UUID.randomUUID();
    UUID recentInbox = UUID.randomUUID();
    insertOutbox(transfer, oldPublished, "now() - interval '2 hours'", "now() - interval '2 hours'");
    insertOutbox(transfer, oldUnpublished, "now() - interval '2 hours'", "NULL");
    insertOutbox(transfer, recentPublished, "now()", "now()");
    transfer.update("INSERT INTO inbox (event_id, type, clone_id, processed_at) VALUES (?, 'X', ?, now() - interval '9 days')",
        oldInbox, UUID.randomUUID());
    transfer.update("INSERT INTO inbox (event_id, type, clone_id, processed_at) VALUES (?, 'X', ?, now())",
        recentInbox, UUID.randomUUID());

    assertThat(List.of(count(transfer, "outbox", oldPublished), count(transfer, "outbox", oldUnpublished),
            count(transfer, "outbox", recentPublished), count(transfer, "inbox", oldInbox),
            count(transfer, "inbox", recentInbox)))
        .as("rows before the purge").containsExactly(1, 1, 1, 1, 1);
    assertThat(pastRetention(transfer)).as("outbox and inbox rows past retention before").containsExactly(1, 1);

    ConfigurableApplicationContext service = TestStack.get().services().get(2); // transfer-service
    int purged = service.getBean(Retention.class).purge();

    assertThat(purged).as("rows purged (the old published outbox row and the old inbox row)").isEqualTo(2);
    assertThat(count(transfer, "outbox", oldPublished)).as("old published outbox row").isZero();
    assertThat(count(transfer, "outbox", oldUnpublished)).as("never delete what was not published").isEqualTo(1);
    assertThat(count(transfer, "outbox", recentPublished)).as("recent published outbox row").isEqualTo(1);
    assertThat(count(transfer, "inbox", oldInbox)).as("old inbox row").isZero();
    assertThat(count(transfer, "inbox", recentInbox)).as("recent inbox row").isEqualTo(1);
    assertThat(pastRetention(transfer)).as("outbox and inbox rows past retention after").containsExactly(0, 0);
    // and the service runs it by itself, not only when a test calls it
    assertThat(service.getBeansOfType(ScheduledTaskHolder.class).values().stream()
            .flatMap(h -> h.getScheduledTasks().stream()).map(t -> t.getTask().toString()))
        .as("scheduled tasks of transfer-service").anyMatch(t -> t.contains("Retention.purge"));
    transfer.update("DELETE FROM outbox WHERE event_id = ?", oldUnpublished); // not for the relay to send
  }

  private static void insertOutbox(JdbcTemplate db, UUID eventId, String createdAt, String publishedAt) {
    db.update("INSERT INTO outbox (event_id, clone_id, topic, type, body, created_at, published_at) VALUES (?, ?,"
        + " 'retention-test', 'X', ?, " + createdAt + ", " + publishedAt + ")", eventId, UUID.randomUUID(), new byte[] {1});
  }

  /** Published outbox rows older than an hour, inbox rows older than 8 days (the default retentions). */
  private static List<Integer> pastRetention(JdbcTemplate db) {
    return List.of(
        db.queryForObject("SELECT count(*) FROM outbox WHERE published_at < now() - interval '1 hour'", Integer.class),
        db.queryForObject("SELECT count(*) FROM inbox WHERE processed_at < now() - interval '8 days'", Integer.class));
  }

  private static int count(JdbcTemplate db, String table, UUID eventId) {
    return db.queryForObject("SELECT count(*) FROM " + table + " WHERE event_id = ?", Integer.class, eventId);
  }
}
