package io.hotclone.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The envelope every internal event travels in. {@code cloneId} is the Kafka key, so all events of
 * one clone operation stay in order on one partition. {@code eventId} is the idempotency key every
 * consumer records in its inbox.
 *
 * @param eventId unique id of this event; a redelivery carries the same id
 * @param type wire type, one of {@link EventTypes}; consumers dispatch on it
 * @param cloneId the clone operation this event belongs to (Kafka key)
 * @param occurredAt when the producing state change committed
 * @param schemaVersion version of the payload contract
 * @param payload the typed payload
 */
public record EventEnvelope(
    UUID eventId, String type, UUID cloneId, Instant occurredAt, int schemaVersion, CloneEvent payload) {

  public static final int SCHEMA_VERSION = 1;

  public EventEnvelope {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(cloneId, "cloneId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(payload, "payload");
  }

  /** Wraps a payload in a fresh envelope with a new event id. */
  public static EventEnvelope of(UUID cloneId, CloneEvent payload, Instant now) {
    return new EventEnvelope(
        UUID.randomUUID(), EventTypes.typeOf(payload), cloneId, now, SCHEMA_VERSION, payload);
  }
}
