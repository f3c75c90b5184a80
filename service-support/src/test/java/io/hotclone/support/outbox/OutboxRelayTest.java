package io.hotclone.support.outbox;

import static io.hotclone.support.testing.TestProducer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.support.testing.TestProducer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's decisions against rows in memory and a producer without a broker: what is sent, in
 * which order, and that a row is marked published only once Kafka acknowledged it. The SQL of
 * {@link JdbcOutboxRows} is covered by the devstack integration tests.
 */
class OutboxRelayTest {

  private static final Duration AN_HOUR = Duration.ofHours(1);
  private final UUID cloneId = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private final FakeOutboxRows rows = new FakeOutboxRows();
  private OutboxRelay started;

  @AfterEach
  void stopRelay() {
    if (started != null) {
      started.stop();
    }
  }

  private OutboxRelay relay(TestProducer producer, Duration poll) {
    return new OutboxRelay("test", rows, producer.template(), poll);
  }

  private OutboxRelay start(String name, TestProducer producer, Duration poll) {
    started = new OutboxRelay(name, rows, producer.template(), poll);
    started.start();
    return started;
  }

  private OutboxRelay.Row row(long id) {
    return new OutboxRelay.Row(
        id, cloneId, "hotclone.clone-events", "Type" + id, null, null, ("body-" + id).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> types(List<ProducerRecord<byte[], byte[]>> sent) {
    return sent.stream().map(r -> header(r, "hotclone_type")).toList();
  }

  // --- fast path: sent after commit, marked by the relay once acknowledged

  @Test
  void a_committed_row_is_sent_at_once_and_marked_published_only_after_kafka_acknowledged_it() {
    // given a producer whose sends wait for the broker
    TestProducer producer = new TestProducer(false);
    OutboxRelay relay = relay(producer, AN_HOUR);
    // when a committed row is handed over
    relay.publishCommitted(row(7));
    // then it is on its way, keyed by the clone id, but not marked while unacknowledged
    assertThat(producer.history()).hasSize(1);
    assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo(cloneId.toString());
    assertThat(producer.history().get(0).topic()).isEqualTo("hotclone.clone-events");
    relay.markAcknowledged();
    assertThat(rows.markCalls()).isEmpty();
    // when Kafka acknowledges it, the next pass marks it
    producer.acknowledgeNext();
    relay.markAcknowledged();
    assertThat(rows.markCalls()).containsExactly(List.of(7L));
  }

  @Test
  void a_fast_path_send_kafka_refuses_is_not_marked_and_the_poll_sends_it_again() {
    // given the row in the table and a broker that refuses the first send
    TestProducer producer = new TestProducer(false);
    OutboxRelay relay = relay(producer, AN_HOUR);
    rows.add(row(7));
    relay.publishCommitted(row(7));
    producer.refuseNext("not enough replicas");
    // when the relay records acknowledgements
    relay.markAcknowledged();
    // then nothing is marked, and the poll finds the row and sends it again
    assertThat(rows.markCalls()).isEmpty();
    assertThat(relay.publishBatch()).isEqualTo(1);
    assertThat(types(producer.history())).containsExactly("Type7", "Type7");
    assertThat(rows.markCalls()).containsExactly(List.of(7L));
  }

  @Test
  void a_send_that_fails_at_once_does_not_reach_the_committing_thread() {
    // given a producer that throws on send (a full buffer, a closed producer)
    TestProducer producer = new TestProducer(true);
    producer.sendException = new KafkaException("buffer exhausted");
    OutboxRelay relay = relay(producer, AN_HOUR);
    // when / then: the caller (a transaction's afterCommit) is not failed, and nothing is marked
    relay.publishCommitted(row(7));
    relay.markAcknowledged();
    assertThat(rows.markCalls()).isEmpty();
  }

  @Test
  void acknowledgements_are_marked_in_one_batch() {
    // given three committed rows acknowledged by Kafka
    TestProducer producer = new TestProducer(true);
    OutboxRelay relay = relay(producer, AN_HOUR);
    relay.publishCommitted(row(3));
    relay.publishCommitted(row(4));
    relay.publishCommitted(row(5));
    // when the relay records them, twice
    relay.markAcknowledged();
    relay.markAcknowledged();
    // then one update marks all three, and none is marked twice
    assertThat(rows.markCalls()).containsExactly(List.of(3L, 4L, 5L));
  }

  // --- poll: rows left unpublished

  @Test
  void the_poll_sends_unpublished_rows_in_id_order_and_then_marks_them() {
    // given three rows the fast path never sent
    TestProducer producer = new TestProducer(false);
    OutboxRelay relay = relay(producer, Duration.ofMillis(500));
    rows.add(row(6));
    rows.add(row(5));
    rows.add(row(7));
    // when the relay polls
    int sent = relay.publishBatch();
    // then it asked for rows older than the poll interval, one batch at most, sent them by id and marked them
    assertThat(rows.askedOlderThan()).containsExactly(Duration.ofMillis(500));
    assertThat(rows.askedLimit()).containsExactly(OutboxRelay.BATCH);
    assertThat(sent).isEqualTo(3);
    assertThat(types(producer.history())).containsExactly("Type5", "Type6", "Type7");
    assertThat(rows.markCalls()).containsExactly(List.of(5L, 6L, 7L));
  }

  @Test
  void a_poll_batch_with_a_refused_send_marks_nothing_and_fails_so_the_relay_retries_it() {
    // given three rows and a broker that refuses the second
    TestProducer producer = new TestProducer(false);
    producer.refuseAtFlush(r -> "Type6".equals(header(r, "hotclone_type")));
    OutboxRelay relay = relay(producer, AN_HOUR);
    rows.add(row(5));
    rows.add(row(6));
    rows.add(row(7));
    // when / then
    assertThatThrownBy(relay::publishBatch).hasRootCauseMessage("refused at flush");
    assertThat(producer.history()).hasSize(3);
    assertThat(rows.markCalls()).isEmpty();
    assertThat(rows.published()).isEmpty();
  }

  @Test
  void an_empty_poll_sends_and_marks_nothing() {
    TestProducer producer = new TestProducer(true);
    assertThat(relay(producer, AN_HOUR).publishBatch()).isZero();
    assertThat(producer.history()).isEmpty();
    assertThat(rows.markCalls()).isEmpty();
  }

  // --- the relay thread

  @Test
  void started_the_relay_drains_a_backlog_in_batches_in_id_order() throws InterruptedException {
    // given 450 unpublished rows (a restart after a broker outage)
    LongStream.rangeClosed(1, 450).forEach(id -> rows.add(row(id)));
    TestProducer producer = new TestProducer(true);
    // when the relay starts (its poll interval an hour: only its first pass can do this)
    start("drain", producer, AN_HOUR);
    // then all of it is sent in order and marked batch by batch
    assertThat(rows.awaitPublished(450)).as("all 450 rows published").isTrue();
    assertThat(rows.markCalls()).extracting(List::size).containsExactly(200, 200, 50);
    assertThat(types(producer.history()))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 450).mapToObj(id -> "Type" + id).toList());
  }

  @Test
  void an_acknowledgement_wakes_the_waiting_relay_thread_which_marks_the_row() throws InterruptedException {
    // given a started relay that finished its first pass and now waits (poll interval an hour)
    TestProducer producer = new TestProducer(true);
    OutboxRelay relay = start("wake", producer, AN_HOUR);
    assertThat(rows.awaitReads(1)).isTrue();
    // when a committed row is sent and acknowledged
    relay.publishCommitted(row(42));
    // then the relay thread marks it without waiting for its poll
    assertThat(rows.awaitPublished(1)).as("row 42 marked by the woken relay").isTrue();
    assertThat(rows.markCalls()).containsExactly(List.of(42L));
  }

  @Test
  void acknowledgements_arriving_within_the_mark_delay_are_marked_in_one_update_not_one_each()
      throws InterruptedException {
    // given a started relay that collects acknowledgements for up to an hour before marking them
    TestProducer producer = new TestProducer(true);
    started = new OutboxRelay("coalesce", rows, producer.template(), Duration.ofHours(4), AN_HOUR);
    started.start();
    assertThat(rows.awaitReads(1)).isTrue();
    // when three committed rows are sent and acknowledged one after the other (each given the
    // relay thread time to act on it: a relay that marked on every acknowledgement would), then
    // the relay is woken
    for (long id = 1; id <= 3; id++) {
      started.publishCommitted(row(id));
      rows.awaitPublished((int) id, Duration.ofMillis(300));
    }
    started.wakeUp();
    // then the three are marked together, by one update
    assertThat(rows.awaitPublished(3)).as("rows 1-3 marked").isTrue();
    assertThat(rows.markCalls()).containsExactly(List.of(1L, 2L, 3L));
  }

  @Test
  void the_relay_thread_survives_a_failing_database_and_polls_again() throws InterruptedException {
    // given a row to publish and a database that fails the first read
    rows.add(row(1));
    rows.failNextRead(new IllegalStateException("connection refused"));
    // when the relay starts with a short poll interval
    start("db-down", new TestProducer(true), Duration.ofMillis(20));
    // then it retries and publishes the row
    assertThat(rows.awaitPublished(1)).as("row 1 published after the failed read").isTrue();
    assertThat(rows.askedLimit().size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void stop_wakes_and_ends_the_relay_thread() throws InterruptedException {
    // given a started relay waiting for an hour
    OutboxRelay relay = start("stop", new TestProducer(true), AN_HOUR);
    assertThat(rows.awaitReads(1)).isTrue();
    assertThat(relay.isRunning()).isTrue();
    // when
    relay.stop();
    // then its thread is gone
    assertThat(relay.isRunning()).isFalse();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("outbox-relay-stop") && t.isAlive());
  }
}
