package io.hotclone.support.outbox;

import static io.hotclone.support.testing.TestProducer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.Topics;
import io.hotclone.support.testing.NoDatabaseTransactions;
import io.hotclone.support.testing.TestProducer;
import io.hotclone.support.testing.TestTracing;
import io.hotclone.support.tracing.TraceContexts;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What {@link Outbox} decides: it needs a transaction, maps an envelope to a row, stores the span's
 * trace context, and hands a new row to the relay only once the transaction committed. The insert
 * itself ({@link JdbcOutboxRows}, "ON CONFLICT DO NOTHING") is covered by the devstack integration
 * tests; here the rows only record what they were given and answer as scripted.
 */
class OutboxTest {

  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 2, List.of("a", "b"), 30_000);
  private final UUID cloneId = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private final EventCodec codec = new EventCodec();
  private final RecordingRows rows = new RecordingRows();
  private final TestProducer producer = new TestProducer(true);
  private final OutboxRelay relay = new OutboxRelay("test", rows, producer.template(), Duration.ofHours(1));
  private final TransactionTemplate tx = NoDatabaseTransactions.template();

  /** The arguments of one insert; the rows answer with id 41 unless told the event id exists. */
  private static final class RecordingRows implements OutboxRows {
    final List<List<Object>> inserts = new ArrayList<>();
    final List<List<Long>> marked = new ArrayList<>();
    boolean eventIdExists;

    @Override
    public Optional<OutboxRelay.Row> insert(
        UUID eventId, UUID cloneId, String topic, String type, String contentType, String traceparent, byte[] body) {
      inserts.add(Arrays.asList(eventId, cloneId, topic, type, contentType, traceparent, body));
      return eventIdExists
          ? Optional.empty()
          : Optional.of(new OutboxRelay.Row(41, cloneId, topic, type, contentType, traceparent, body));
    }

    @Override
    public List<OutboxRelay.Row> unpublished(Duration olderThan, int limit) {
      return List.of();
    }

    @Override
    public void markPublished(List<Long> ids) {
      marked.add(List.copyOf(ids));
    }
  }

  private EventEnvelope requested() {
    return EventEnvelope.of(cloneId, new CloneRequested(PLAN, "api"), Instant.parse("2026-11-24T12:00:00Z"));
  }

  @Test
  void appending_outside_a_transaction_fails_and_stores_nothing() {
    Outbox outbox = new Outbox(rows, codec, relay);
    assertThatThrownBy(() -> outbox.append(requested()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Outbox.append needs a transaction");
    assertThat(rows.inserts).isEmpty();
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void a_saga_event_is_stored_as_a_clone_events_row_of_its_encoded_envelope() {
    // given
    Outbox outbox = new Outbox(rows, codec, relay);
    EventEnvelope event = requested();
    // when
    tx.executeWithoutResult(s -> outbox.append(event));
    // then: event id, clone id (the key), topic, type, no content type, no trace, the envelope's bytes
    assertThat(rows.inserts).hasSize(1);
    List<Object> insert = rows.inserts.get(0);
    assertThat(insert.subList(0, 6))
        .containsExactly(event.eventId(), cloneId, Topics.CLONE_EVENTS, "CloneRequested", null, null);
    assertThat(codec.decode((byte[]) insert.get(6))).contains(event);
  }

  @Test
  void a_row_is_sent_only_after_its_transaction_committed() {
    // given
    Outbox outbox = new Outbox(rows, codec, relay);
    byte[] body = "{\"specversion\":\"1.0\"}".getBytes(StandardCharsets.UTF_8);
    UUID eventId = UUID.randomUUID();
    int[] sentBeforeCommit = new int[1];
    // when a lifecycle event is appended
    tx.executeWithoutResult(s -> {
      outbox.appendRaw(eventId, cloneId, Topics.LIFECYCLE, "io.hotclone.clone.completed",
          "application/cloudevents+json", body);
      sentBeforeCommit[0] = producer.history().size();
    });
    // then nothing left before the commit; after it, the row's record with its content type
    assertThat(sentBeforeCommit[0]).isZero();
    assertThat(producer.history()).hasSize(1);
    assertThat(producer.history().get(0).topic()).isEqualTo(Topics.LIFECYCLE);
    assertThat(producer.history().get(0).value()).isEqualTo(body);
    assertThat(header(producer.history().get(0), "content-type")).isEqualTo("application/cloudevents+json");
    // and once Kafka acknowledged it, the relay marks the row the insert returned
    relay.markAcknowledged();
    assertThat(rows.marked).containsExactly(List.of(41L));
  }

  @Test
  void a_rolled_back_transaction_sends_nothing() {
    Outbox outbox = new Outbox(rows, codec, relay);
    tx.executeWithoutResult(s -> {
      outbox.append(requested());
      s.setRollbackOnly();
    });
    assertThat(rows.inserts).hasSize(1);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void an_event_appended_before_is_not_sent_again_from_this_transaction() {
    // given the rows say this event id is stored already
    rows.eventIdExists = true;
    Outbox outbox = new Outbox(rows, codec, relay);
    // when
    tx.executeWithoutResult(s -> outbox.append(requested()));
    // then
    assertThat(rows.inserts).hasSize(1);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void the_row_keeps_the_traceparent_of_the_span_that_wrote_it_and_the_record_carries_it() {
    // given a span in scope
    TestTracing tracing = new TestTracing();
    TraceContexts traces = tracing.traces();
    Tracer tracer = tracing.tracer();
    Outbox outbox = new Outbox(rows, codec, relay, traces);
    Span request = tracer.nextSpan().name("request").start();
    // when
    try (Tracer.SpanInScope ignored = tracer.withSpan(request)) {
      tx.executeWithoutResult(s -> outbox.append(requested()));
    } finally {
      request.end();
    }
    // then
    String expected = "00-" + request.context().traceId() + "-" + request.context().spanId() + "-01";
    assertThat(rows.inserts.get(0).get(5)).isEqualTo(expected);
    assertThat(header(producer.history().get(0), "traceparent")).isEqualTo(expected);
  }
}
