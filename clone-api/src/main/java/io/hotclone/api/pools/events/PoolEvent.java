package io.hotclone.api.pools.events;

import io.hotclone.api.pools.PoolCounts;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One pool event. Fields a type does not have are null: {@code operationId} (null for a refill not
 * accepted), {@code count}, {@code hosts} (requested), {@code clones} (completed), {@code reason},
 * {@code failures}, {@code nextRetryAt} (failed), {@code counts}, {@code previous}, {@code sequence}
 * (counts-changed). {@code id} is fixed by what happened, so a redelivery has the same id.
 */
public record PoolEvent(
    UUID id,
    PoolEventType type,
    UUID poolId,
    String pool,
    String tenant,
    UUID operationId,
    Integer count,
    List<String> hosts,
    List<String> clones,
    String reason,
    Integer failures,
    Instant nextRetryAt,
    PoolCounts counts,
    PoolCounts previous,
    Long sequence,
    Instant at) {}
