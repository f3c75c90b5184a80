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
 * <p>Each event is handled in a consumer span that continues the record's {@code traceparent}
 * header (the trace of the span that wrote the event), with {@code cloneId} and {@code traceId} in
 * the log MDC: what the handler emits carries the same trace on.
 */
public class CloneEventConsumer implements Consumer<Message<byte[]>> {

  private static final Logger log = LoggerFactory.getLogger(CloneEventConsumer.class);

  private final EventCodec codec;
  private final SagaEventHandler handler;
  private final KafkaTemplate<byte[], byte[]> kafka;
  private final String deadLetterTopic;
  private final Counter deadLetters;
  private final TraceContexts traces;

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
    this.codec = codec;
    this.handler = handler;
    this.kafka = kafka;
    this.deadLetterTopic = deadLetterTopic;
    this.deadLetters = deadLetters;
    this.traces = traces;
  }

  @Override
  public void accept(Message<byte[]> message) {
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
    Object v = message.getHeaders().get(TraceContexts.TRACEPARENT);
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
