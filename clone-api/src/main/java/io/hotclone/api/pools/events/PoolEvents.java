package io.hotclone.api.pools.events;

import io.hotclone.api.pools.Pool;
import io.hotclone.api.pools.PoolCounts;
import io.hotclone.api.publishing.PublicEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Appends pool events ({@link PoolEventType}) to the outbox, keyed by the pool id, in the caller's
 * transaction: the change and its event commit together. Ids derive from what happened (the
 * refill's operation id; the pool id and its counts' sequence number), so one refill or one counts
 * change is one event whichever instance publishes it.
 */
@Component
public class PoolEvents {

  private final PublicEvents events;

  public PoolEvents(PublicEvents events) {
    this.events = events;
  }

  /** A refill of {@code count} clones on {@code hosts} (one per clone) was requested as operation {@code op}. */
  public void refillRequested(Pool pool, UUID op, int count, List<String> hosts, Instant at) {
    append(new PoolEvent(id(PoolEventType.REFILL_REQUESTED, op.toString()), PoolEventType.REFILL_REQUESTED, pool.id(),
        pool.name(), pool.tenant(), op, count, List.copyOf(hosts), null, null, null, null, null, null, null, at));
  }

  /** Refill {@code op} completed: {@code clones} (VM ids) are ready. */
  public void refillCompleted(Pool pool, UUID op, int count, List<String> clones, Instant at) {
    append(new PoolEvent(id(PoolEventType.REFILL_COMPLETED, op.toString()), PoolEventType.REFILL_COMPLETED, pool.id(),
        pool.name(), pool.tenant(), op, count, null, List.copyOf(clones), null, null, null, null, null, null, at));
  }

  /** A refill failed ({@code op} null: it was not accepted) for the {@code failures}-th time in a row. */
  public void refillFailed(Pool pool, UUID op, int count, String reason, int failures, Instant nextRetryAt, Instant at) {
    UUID id = op == null ? UUID.randomUUID() : id(PoolEventType.REFILL_FAILED, op.toString());
    append(new PoolEvent(id, PoolEventType.REFILL_FAILED, pool.id(), pool.name(), pool.tenant(), op, count, null, null,
        reason, failures, nextRetryAt, null, null, null, at));
  }

  /** The pool's counts are {@code now}, {@code before} the last published ({@code sequence}: this change's number). */
  public void countsChanged(Pool pool, PoolCounts before, PoolCounts now, long sequence, Instant at) {
    append(new PoolEvent(id(PoolEventType.COUNTS_CHANGED, pool.id() + "/" + sequence), PoolEventType.COUNTS_CHANGED,
        pool.id(), pool.name(), pool.tenant(), null, null, null, null, null, null, null, now, before, sequence, at));
  }

  private void append(PoolEvent e) {
    events.append(PoolCloudEvents.encode(e), e.poolId(), e.tenant());
  }

  private static UUID id(PoolEventType type, String of) {
    return UUID.nameUUIDFromBytes((type.type() + ":" + of).getBytes(StandardCharsets.UTF_8));
  }
}
