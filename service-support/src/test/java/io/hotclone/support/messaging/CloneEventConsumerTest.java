package io.hotclone.support.messaging;

import static io.hotclone.support.testing.TestProducer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.support.testing.TestProducer;
import io.hotclone.support.testing.TestTracing;
import io.hotclone.support.tracing.TraceContexts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The consumer function every service binds: poison to the dead-letter topic (bytes unchanged, where
 * it came from in headers), unknown types skipped, a decodable event handled in a span that
 * continues the record's trace with the clone id in the MDC.
 */
class CloneEventConsumerTest {

  private static final String DLQ = "hotclone.clone-events.dlq.test-service";
  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 2, List.of("a", "b"), 30_000);
  private final UUID cloneId = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private final EventCodec codec = new EventCodec();
  private final List<EventEnvelope> handled = new ArrayList<>();
  private final List<String> mdcDuringHandling = new ArrayList<>();
  private final SagaEventHandler handler = e -> {
    handled.add(e);
    mdcDuringHandling.add(MDC.get(TraceContexts.MDC_CLONE_ID));
  };
  private final Counter deadLetters = new SimpleMeterRegistry().counter("hotclone.dead.letters");

  private CloneEventConsumer consumer(TestProducer producer) {
    return new CloneEventConsumer(codec, handler, producer.template(), DLQ, deadLetters);
  }

  private static Message<byte[]> received(byte[] payload) {
    return MessageBuilder.withPayload(payload)
        .setHeader(KafkaHeaders.RECEIVED_KEY, "the-key".getBytes(StandardCharsets.UTF_8))
        .setHeader(KafkaHeaders.RECEIVED_TOPIC, "hotclone.clone-events")
        .setHeader(KafkaHeaders.RECEIVED_PARTITION, 3)
        .setHeader(KafkaHeaders.OFFSET, 1234L)
        .build();
  }

  private byte[] requested() {
    return codec.encode(EventEnvelope.of(cloneId, new CloneRequested(PLAN, "api"), Instant.parse("2026-11-24T12:00:00Z")));
  }

  @Test
  void a_poison_message_goes_to_the_dead_letter_topic_unchanged_with_where_it_came_from_and_why() {
    // given
    TestProducer producer = new TestProducer(true);
    byte[] poison = "{not json".getBytes(StandardCharsets.UTF_8);
    // when (returning normally: the binder commits the offset and moves on)
    consumer(producer).accept(received(poison));
    // then
    assertThat(producer.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> dead = producer.history().get(0);
    assertThat(dead.topic()).isEqualTo(DLQ);
    assertThat(dead.value()).isEqualTo(poison);
    assertThat(dead.key()).isEqualTo("the-key".getBytes(StandardCharsets.UTF_8));
    assertThat(header(dead, "hotclone_dlq_reason")).startsWith("not JSON: ");
    assertThat(header(dead, "hotclone_dlq_topic")).isEqualTo("hotclone.clone-events");
    assertThat(header(dead, "hotclone_dlq_partition")).isEqualTo("3");
    assertThat(header(dead, "hotclone_dlq_offset")).isEqualTo("1234");
    assertThat(deadLetters.count()).isEqualTo(1.0);
    assertThat(handled).isEmpty();
  }

  @Test
  void an_envelope_of_a_known_type_that_does_not_decode_is_poison_too() {
    TestProducer producer = new TestProducer(true);
    byte[] invalid = "{\"type\":\"CloneRequested\",\"eventId\":\"nope\"}".getBytes(StandardCharsets.UTF_8);
    consumer(producer).accept(received(invalid));
    assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(DLQ);
    assertThat(header(producer.history().get(0), "hotclone_dlq_reason")).isEqualTo("invalid CloneRequested: Invalid UUID string: nope");
  }

  @Test
  void a_dead_letter_that_cannot_be_sent_fails_the_message_so_the_binder_retries_it() {
    // given a broker that refuses the dead letter
    TestProducer producer = new TestProducer(true);
    producer.sendException = new KafkaException("broker unavailable");
    // when / then
    assertThatThrownBy(() -> consumer(producer).accept(received("{not json".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("broker unavailable");
    assertThat(deadLetters.count()).isZero();
  }

  @Test
  void a_dead_letter_kafka_refuses_after_taking_it_fails_the_message_too() throws InterruptedException {
    // given a broker that takes the send and answers with an error a little later
    TestProducer producer = new TestProducer(false);
    Thread broker = new Thread(() -> {
      while (producer.history().isEmpty()) {
        Thread.onSpinWait();
      }
      producer.refuseNext("not enough replicas");
    });
    broker.setDaemon(true);
    broker.start();
    // when / then
    assertThatThrownBy(() -> consumer(producer).accept(received("{not json".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("could not dead-letter a poison message")
        .hasRootCauseMessage("not enough replicas");
    assertThat(deadLetters.count()).isZero();
    broker.join();
  }

  @Test
  void a_dead_letter_kafka_refuses_at_once_fails_the_message_too() {
    TestProducer producer = new TestProducer(false);
    producer.refuseEverySend("not enough replicas");
    assertThatThrownBy(() -> consumer(producer).accept(received("{not json".getBytes(StandardCharsets.UTF_8))))
        .hasRootCauseMessage("not enough replicas");
    assertThat(deadLetters.count()).isZero();
  }

  @Test
  void an_event_of_a_type_this_version_does_not_know_is_skipped() {
    TestProducer producer = new TestProducer(true);
    byte[] newer = ("{\"type\":\"CloneTeleported\",\"eventId\":\"" + UUID.randomUUID() + "\",\"cloneId\":\"" + cloneId
        + "\",\"occurredAt\":\"2026-11-24T12:00:00Z\",\"schemaVersion\":1,\"payload\":{}}")
        .getBytes(StandardCharsets.UTF_8);
    consumer(producer).accept(received(newer));
    assertThat(handled).isEmpty();
    assertThat(producer.history()).isEmpty();
    assertThat(deadLetters.count()).isZero();
  }

  @Test
  void a_record_whose_type_header_the_service_does_not_act_on_is_skipped_without_decoding() {
    // given a consumer of a service that acts on CloneRequested only
    TestProducer producer = new TestProducer(true);
    CloneEventConsumer consumer = new CloneEventConsumer(
        codec, handler, producer.template(), DLQ, deadLetters, TraceContexts.none(), "CloneRequested"::equals);
    byte[] bytes = requested();
    // when records arrive typed as another service's event (one of them not even JSON), as its own
    // event, and without a type header
    consumer.accept(typed(bytes, "StorageFrozen"));
    consumer.accept(typed("{not json".getBytes(StandardCharsets.UTF_8), "StorageFrozen"));
    consumer.accept(typed(bytes, "CloneRequested"));
    consumer.accept(received(bytes));
    // then only the last two reach the handler, and nothing is dead-lettered
    assertThat(handled).hasSize(2).allMatch(e -> e.equals(codec.decode(bytes).orElseThrow()));
    assertThat(producer.history()).isEmpty();
  }

  private static Message<byte[]> typed(byte[] payload, String type) {
    return MessageBuilder.fromMessage(received(payload))
        .setHeader("hotclone_type", type.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void a_decodable_event_reaches_the_handler_with_its_clone_id_in_the_mdc_meanwhile() {
    TestProducer producer = new TestProducer(true);
    byte[] bytes = requested();
    consumer(producer).accept(received(bytes));
    assertThat(handled).containsExactly(codec.decode(bytes).orElseThrow());
    assertThat(mdcDuringHandling).containsExactly(cloneId.toString());
    assertThat(MDC.get(TraceContexts.MDC_CLONE_ID)).isNull();
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void a_handler_exception_is_left_to_the_binder() {
    TestProducer producer = new TestProducer(true);
    CloneEventConsumer failing = new CloneEventConsumer(codec, e -> {
      throw new IllegalStateException("database down");
    }, producer.template(), DLQ, deadLetters);
    assertThatThrownBy(() -> failing.accept(received(requested()))).hasMessage("database down");
    assertThat(producer.history()).as("not dead-lettered by the consumer itself").isEmpty();
  }

  @Test
  void the_handler_runs_in_a_consumer_span_that_continues_the_record_s_traceparent() {
    // given a record carrying the trace of the span that wrote it (as bytes, as the binder maps it)
    TestTracing tracing = new TestTracing();
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentSpanId = "00f067aa0ba902b7";
    Message<byte[]> message = MessageBuilder.fromMessage(received(requested()))
        .setHeader(TraceContexts.TRACEPARENT, ("00-" + traceId + "-" + parentSpanId + "-01").getBytes(StandardCharsets.UTF_8))
        .build();
    List<String> seen = new ArrayList<>();
    CloneEventConsumer traced = new CloneEventConsumer(codec, e -> {
      Span span = tracing.tracer().currentSpan();
      seen.add(span.context().traceId());
      seen.add(span.context().parentId());
    }, new TestProducer(true).template(), DLQ, deadLetters, tracing.traces());
    // when
    traced.accept(message);
    // then
    assertThat(seen).containsExactly(traceId, parentSpanId);
    List<SpanData> ended = tracing.ended();
    assertThat(ended).extracting(SpanData::getName).containsExactly("handle CloneRequested");
    assertThat(ended.get(0).getAttributes().asMap().values()).contains(cloneId.toString());
  }

  @Test
  void the_traceparent_header_is_read_as_bytes_or_as_text() {
    String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assertThat(CloneEventConsumer.traceparent(MessageBuilder.withPayload(new byte[0])
        .setHeader("traceparent", tp.getBytes(StandardCharsets.UTF_8)).build())).isEqualTo(tp);
    assertThat(CloneEventConsumer.traceparent(MessageBuilder.withPayload(new byte[0])
        .setHeader("traceparent", tp).build())).isEqualTo(tp);
    assertThat(CloneEventConsumer.traceparent(MessageBuilder.withPayload(new byte[0]).build())).isNull();
  }
}
