package io.hotclone.api.pools;

import java.time.Instant;
import java.util.UUID;

/**
 * A pool as stored: its settings, its tenant (its source's), who made it, and the refill backoff
 * ({@code refillFailures} in a row, no refill before {@code nextRefillAt}). {@code deletedAt} set:
 * being drained, invisible to the API.
 */
public record Pool(
    UUID id,
    String tenant,
    PoolSettings settings,
    String createdBy,
    Instant createdAt,
    Instant updatedAt,
    Instant deletedAt,
    int refillFailures,
    Instant nextRefillAt,
    String lastFailure) {

  public String name() {
    return settings.name();
  }
}
