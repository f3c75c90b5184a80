package io.hotclone.api.pools.run;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.messaging.OperationEnds;
import io.hotclone.api.pools.PoolDecisions;
import io.hotclone.api.pools.events.PoolEvents;
import io.hotclone.api.pools.persistence.PoolRows;
import io.hotclone.events.ConfiguredClone;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A pool refill's operation ended (in the saga handler's transaction): {@code COMPLETED} → each of
 * its clones becomes a ready member of the pool (ready at the completion) and the pool's refill
 * backoff is reset; {@code FAILED} → the pool backs off ({@link PoolDecisions#retryAfter}) and its
 * reconciler asks again after that; {@code io.hotclone.pool.refill.completed} or {@code .failed} is
 * appended in the same transaction. Other operations are not refills: nothing happens.
 */
@Component
public class PoolRefillEnds implements OperationEnds {

  private static final Logger log = LoggerFactory.getLogger(PoolRefillEnds.class);

  private final PoolRows rows;
  private final PoolSignal signal;
  private final PoolEvents events;

  public PoolRefillEnds(PoolRows rows, PoolSignal signal, PoolEvents events) {
    this.rows = rows;
    this.signal = signal;
    this.events = events;
  }

  @Override
  public void ended(CloneOperation op, Instant at) {
    UUID pool = rows.lockRefillInFlight(op.id()).orElse(null);
    if (pool == null) {
      return;
    }
    if (op.phase() == Phase.COMPLETED) {
      for (ConfiguredClone clone : op.outcome().clones()) {
        rows.addReady(clone.vmId(), pool, op.id(), at);
      }
      rows.endRefill(op.id(), "COMPLETED", at);
      rows.refillSucceeded(pool);
      rows.find(pool).ifPresent(p -> events.refillCompleted(p, op.id(), op.plan().count(),
          op.outcome().clones().stream().map(ConfiguredClone::vmId).toList(), at));
      log.info("pool {}: refill {} ready ({} clones)", pool, op.id(), op.outcome().clones().size());
      if (TransactionSynchronizationManager.isSynchronizationActive()) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            signal.readied();
          }
        });
      }
      return;
    }
    rows.endRefill(op.id(), "FAILED", at);
    int failures = rows.find(pool).map(p -> p.refillFailures()).orElse(0) + 1;
    String reason = op.outcome().failure() == null ? "failed" : op.outcome().failure().step() + ": " + op.outcome().failure().reason();
    Instant next = at.plus(PoolDecisions.retryAfter(failures));
    rows.refillFailed(pool, failures, next, reason);
    rows.find(pool).ifPresent(p -> events.refillFailed(p, op.id(), op.plan().count(), reason, failures, next, at));
    log.warn("pool {}: refill {} failed ({} in a row), next try after {}: {}", pool, op.id(), failures,
        PoolDecisions.retryAfter(failures), reason);
  }
}
