package io.hotclone.api.webhooks.persistence;

import java.time.Instant;
import java.util.UUID;

/**
 * One event for one endpoint: {@code PENDING} until a 2xx answer ({@code DELIVERED}) or until the
 * retries are given up ({@code FAILED}); {@code attempts} made so far, the last one's HTTP status
 * (null when none came back), the latest failed attempt's error, and when the next attempt is due.
 */
public record Delivery(
    long id,
    UUID endpointId,
    UUID eventId,
    String type,
    UUID orderingKey,
    Status status,
    int attempts,
    Integer lastStatusCode,
    String lastError,
    Instant createdAt,
    Instant lastAttemptAt,
    Instant nextAttemptAt,
    Instant endedAt) {

  public enum Status { PENDING, DELIVERED, FAILED }
}
