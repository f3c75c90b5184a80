package io.hotclone.support.messaging;

import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.PoisonEvent;
import io.hotclone.support.tracing.TraceContexts;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.Counter;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * The Spring Cloud Stream consumer function of every service (binding {@code onCloneEvent-in-0}).
 * A message that does not decode is a {@link PoisonEvent}: it is never retried but copied, bytes
 * unchanged and the reason in header {@code hotclone_dlq_reason}, to the service's dead-letter topic
 * before the offset moves on, so nothing is lost. Unknown types are skipped. Any other exception is
 * left to the binder (retries, then its own dead-lettering to the same topic).
 *
 * <p>A record whose {@code hotclone_type} header names a type the service does not act on ({@link
 * HandledTypes}) is skipped before it is decoded or traced: every service receives every event of
 * the saga topic and acts on one or two of them. (Such a record, should it not decode, is
 * dead-lettered by the services that act on its type; a record without the header is decoded as
 * before.)
 *
 * <p>Each event is handled in a consumer span that continues the record's {@code traceparent}
 * header (the trace of the span that wrote the event), with {@code cloneId} and {@code traceId} in
 * the log MDC: what the handler emits carries the same trace on.
 */
public class CloneEventConsumer implements Consumer<Message<byte[]>> {

  private static final Logger log = LoggerFactory.getLogger(CloneEventConsumer.class);
  /** The header the outbox relay writes the event's wire type to. */
  static final String TYPE = "hotclone_type";

  private final EventCodec codec;
  private final SagaEventHandler handler;
  private final KafkaTemplate<byte[], byte[]> kafka;
  private final String deadLetterTopic;
  private final Counter deadLetters;
  private final TraceContexts traces;
  private final Predicate<String> handles;

  /** {@code deadLetters} counts the messages this consumer copied to the dead-letter topic. */
  public CloneEventConsumer(
      EventCodec codec,
      SagaEventHandler handler,
      KafkaTemplate<byte[], byte[]> kafka,
      String deadLetterTopic,
      Counter deadLetters) {
    this(codec, handler, kafka, deadLetterTopic, deadLetters, TraceContexts.none());
  }

  public CloneEventConsumer(
      EventCodec codec,
      SagaEventHandler handler,
      KafkaTemplate<byte[], byte[]> kafka,
      String deadLetterTopic,
      Counter deadLetters,
      TraceContexts traces) {
    this(codec, handler, kafka, deadLetterTopic, deadLetters, traces, type -> true);
  }

  /** {@code handles}: whether the service acts on events of a wire type (see {@link HandledTypes}). */
  public CloneEventConsumer(
      EventCodec codec,
      SagaEventHandler handler,
      KafkaTemplate<byte[], byte[]> kafka,
      String deadLetterTopic,
      Counter deadLetters,
      TraceContexts traces,
      Predicate<String> handles) {
    this.handles = handles;
    this.codec = codec;
    this.handler = handler;
    this.kafka = kafka;
    this.deadLetterTopic = deadLetterTopic;
    this.deadLetters = deadLetters;
    this.traces = traces;
  }

  @Override
  public void accept(Message<byte[]> message) {
    String type = header(message, TYPE);
    if (type != null && !handles.test(type)) {
      return;
    }
    Optional<EventEnvelope> event;
    try {
      event = codec.decode(message.getPayload());
    } catch (PoisonEvent e) {
      deadLetter(message, e);
      return;
    }
    if (event.isEmpty()) {
      log.debug("skipping an event of a type this version does not know");
      return;
    }
    EventEnvelope envelope = event.get();
    traces.continueTrace(traceparent(message), "handle " + envelope.type(), envelope.cloneId(), () -> {
      log.debug("handling {} {} of clone {}", envelope.type(), envelope.eventId(), envelope.cloneId());
      handler.on(envelope);
    });
  }

  /** The record's {@code traceparent} header (the binder maps it as bytes or a string), or null. */
  static String traceparent(Message<?> message) {
    return header(message, TraceContexts.TRACEPARENT);
  }

  /** A record header as text (the binder maps it as bytes or a string), or null. */
  private static String header(Message<?> message, String name) {
    Object v = message.getHeaders().get(name);
    if (v instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return v == null ? null : v.toString();
  }

  private void deadLetter(Message<byte[]> message, PoisonEvent e) {
    Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(deadLetterTopic, key instanceof byte[] k ? k : null, message.getPayload());
    record.headers().add("hotclone_dlq_reason", String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
    copyHeader(message, KafkaHeaders.RECEIVED_TOPIC, "hotclone_dlq_topic", record);
    copyHeader(message, KafkaHeaders.RECEIVED_PARTITION, "hotclone_dlq_partition", record);
    copyHeader(message, KafkaHeaders.OFFSET, "hotclone_dlq_offset", record);
    try {
      kafka.send(record).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while dead-lettering", ie);
    } catch (ExecutionException | TimeoutException ex) {
      throw new IllegalStateException("could not dead-letter a poison message", ex);
    }
    deadLetters.increment();
    log.warn("poison message moved to {}: {}", deadLetterTopic, e.getMessage());
  }

  private static void copyHeader(Message<byte[]> m, String from, String to, ProducerRecord<byte[], byte[]> r) {
    Object v = m.getHeaders().get(from);
    if (v != null) {
      r.headers().add(to, v.toString().getBytes(StandardCharsets.UTF_8));
    }
  }
}
