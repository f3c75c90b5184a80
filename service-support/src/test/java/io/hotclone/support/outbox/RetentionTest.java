package io.hotclone.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.support.testing.RecordingJdbc;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Which retention goes to which table, and what purge reports. What the deletes delete is
 * PostgreSQL's part, covered by the devstack integration test RetentionIT.
 */
class RetentionTest {

  @Test
  void the_outbox_keeps_published_rows_for_its_retention_and_the_inbox_for_its_own_and_purge_counts_both() {
    // given one table answering 3 deleted rows, the other 4
    RecordingJdbc jdbc = new RecordingJdbc().answering(s -> s.sql().contains("FROM outbox") ? 3 : 4);
    Retention retention = new Retention(jdbc, Duration.ofHours(1), Duration.ofDays(8));
    // when
    int purged = retention.purge();
    // then
    assertThat(purged).isEqualTo(7);
    assertThat(jdbc.statements()).hasSize(2);
    assertThat(jdbc.statements().get(0).sql()).startsWith("DELETE FROM outbox WHERE published_at IS NOT NULL");
    assertThat(jdbc.statements().get(0).args()).containsExactly(3_600L);
    assertThat(jdbc.statements().get(1).sql()).startsWith("DELETE FROM inbox");
    assertThat(jdbc.statements().get(1).args()).containsExactly(691_200L);
  }

  @Test
  void nothing_past_retention_purges_nothing() {
    assertThat(new Retention(new RecordingJdbc().answering(s -> 0), Duration.ofHours(1), Duration.ofDays(8)).purge())
        .isZero();
  }
}
