package io.hotclone.support.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventEnvelope;
import io.hotclone.support.testing.NoDatabaseTransactions;
import io.hotclone.support.testing.RecordingJdbc;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What {@link Inbox} decides on top of its SQL: a claim needs the effect's transaction and is won
 * only when the insert added a row; an id is seen when it is counted. That the insert adds no row
 * for a repeat ("ON CONFLICT DO NOTHING") is PostgreSQL's part, covered by the devstack integration
 * tests (SagaFailuresIT: redelivered events have no second effect).
 */
class InboxTest {

  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 2, List.of("a", "b"), 30_000);
  private final EventEnvelope event =
      EventEnvelope.of(UUID.randomUUID(), new CloneRequested(PLAN, "api"), Instant.parse("2026-11-24T12:00:00Z"));
  private final TransactionTemplate tx = NoDatabaseTransactions.template();

  @Test
  void a_claim_outside_a_transaction_fails_before_touching_the_table() {
    RecordingJdbc jdbc = new RecordingJdbc().answering(s -> 1);
    assertThatThrownBy(() -> new Inbox(jdbc).claim(event))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Inbox.claim needs a transaction");
    assertThat(jdbc.statements()).isEmpty();
  }

  @Test
  void a_claim_records_the_event_id_type_and_clone_and_is_won_only_when_a_row_was_added() {
    // given the first insert adds a row, the second (a repeat) none
    int[] inserted = {1, 0};
    int[] call = {0};
    RecordingJdbc jdbc = new RecordingJdbc().answering(s -> inserted[call[0]++]);
    Inbox inbox = new Inbox(jdbc);
    // when / then
    Boolean first = tx.execute(s -> inbox.claim(event));
    Boolean repeat = tx.execute(s -> inbox.claim(event));
    assertThat(first).isTrue();
    assertThat(repeat).isFalse();
    assertThat(jdbc.statements().get(0).args()).containsExactly(event.eventId(), "CloneRequested", event.cloneId());
  }

  @Test
  void an_event_id_is_seen_when_the_inbox_counts_it() {
    assertThat(new Inbox(new RecordingJdbc().answering(s -> 1)).seen(event)).isTrue();
    assertThat(new Inbox(new RecordingJdbc().answering(s -> 0)).seen(event)).isFalse();
    assertThat(new Inbox(new RecordingJdbc().answering(s -> null)).seen(event)).isFalse();
    RecordingJdbc jdbc = new RecordingJdbc().answering(s -> 0);
    new Inbox(jdbc).seen(event);
    assertThat(jdbc.statements().get(0).args()).containsExactly(event.eventId());
  }
}
