package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.schema;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.support.outbox.Retention;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

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

    Retention retention = TestStack.get().services().get(2).getBean(Retention.class); // transfer-service
    assertThat(retention.purge()).isGreaterThanOrEqualTo(2);

    assertThat(count(transfer, "outbox", oldPublished)).isZero();
    assertThat(count(transfer, "outbox", oldUnpublished)).as("never delete what was not published").isEqualTo(1);
    assertThat(count(transfer, "outbox", recentPublished)).isEqualTo(1);
    assertThat(count(transfer, "inbox", oldInbox)).isZero();
    assertThat(count(transfer, "inbox", recentInbox)).isEqualTo(1);
    transfer.update("DELETE FROM outbox WHERE event_id = ?", oldUnpublished); // not for the relay to send
  }

  private static void insertOutbox(JdbcTemplate db, UUID eventId, String createdAt, String publishedAt) {
    db.update("INSERT INTO outbox (event_id, clone_id, topic, type, body, created_at, published_at) VALUES (?, ?,"
        + " 'retention-test', 'X', ?, " + createdAt + ", " + publishedAt + ")", eventId, UUID.randomUUID(), new byte[] {1});
  }

  private static int count(JdbcTemplate db, String table, UUID eventId) {
    return db.queryForObject("SELECT count(*) FROM " + table + " WHERE event_id = ?", Integer.class, eventId);
  }
}
