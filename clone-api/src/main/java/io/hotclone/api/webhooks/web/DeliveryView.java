package io.hotclone.api.webhooks.web;

import io.hotclone.api.webhooks.persistence.Delivery;
import java.time.Instant;

/**
 * One event's delivery to one endpoint: {@code eventId} (the CloudEvents id, sent as {@code
 * webhook-id}), its {@code type} and ordering {@code key}, {@code status} ({@code PENDING}, {@code
 * DELIVERED}, {@code FAILED}), {@code attempts}, the last attempt's HTTP status (null when none came
 * back), the error of the latest failed attempt (kept once delivered; null if none failed), when the next attempt is due (while {@code PENDING}), and when it was created,
 * last attempted and ended.
 */
public record DeliveryView(
    String eventId,
    String type,
    String key,
    String status,
    int attempts,
    Integer lastStatusCode,
    String lastError,
    Instant nextAttemptAt,
    Instant createdAt,
    Instant lastAttemptAt,
    Instant endedAt) {

  static DeliveryView of(Delivery d) {
    return new DeliveryView(d.eventId().toString(), d.type(), d.orderingKey().toString(), d.status().name(), d.attempts(),
        d.lastStatusCode(), d.lastError(), d.status() == Delivery.Status.PENDING ? d.nextAttemptAt() : null,
        d.createdAt(), d.lastAttemptAt(), d.endedAt());
  }
}
