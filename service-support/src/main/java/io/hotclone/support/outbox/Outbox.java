package io.hotclone.support.outbox;

import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.Topics;
import io.hotclone.support.tracing.TraceContexts;
import java.util.Optional;
import java.util.UUID;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Appends events to the outbox table inside the caller's transaction. Must be called in a
 * transaction: the event exists exactly when the state change that caused it committed. Once the
 * transaction commits, the row is handed to the relay to be sent at once; a row whose send never
 * completed (a crash, a broker outage) is found and sent by the relay's poll. The row also keeps the
 * {@code traceparent} of the span that wrote it, so the record continues that trace whenever it is
 * sent.
 */
public class Outbox {

  private final OutboxRows rows;
  private final EventCodec codec;
  private final OutboxRelay relay;
  private final TraceContexts traces;

  public Outbox(OutboxRows rows, EventCodec codec, OutboxRelay relay) {
    this(rows, codec, relay, TraceContexts.none());
  }

  public Outbox(OutboxRows rows, EventCodec codec, OutboxRelay relay, TraceContexts traces) {
    this.rows = rows;
    this.codec = codec;
    this.relay = relay;
    this.traces = traces;
  }

  /** Queues an internal saga event on {@link Topics#CLONE_EVENTS}. */
  public void append(EventEnvelope envelope) {
    appendRaw(
        envelope.eventId(), envelope.cloneId(), Topics.CLONE_EVENTS, envelope.type(), null, codec.encode(envelope));
  }

  /**
   * Queues pre-encoded bytes (e.g. a CloudEvent) for {@code topic}, keyed by the clone id; the
   * record is sent with a {@code content-type} header of {@code contentType} unless it is null
   * (the header is stored with the row, so a record the poll sends after a crash carries it too).
   * The current span's {@code traceparent} is stored with the row the same way.
   */
  public void appendRaw(UUID eventId, UUID cloneId, String topic, String type, String contentType, byte[] body) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("Outbox.append needs a transaction");
    }
    Optional<OutboxRelay.Row> inserted =
        rows.insert(eventId, cloneId, topic, type, contentType, traces.current(), body);
    if (inserted.isEmpty()) {
      return; // appended before: it is published (or will be) from that row
    }
    OutboxRelay.Row row = inserted.get();
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            relay.publishCommitted(row);
          }
        });
  }
}
