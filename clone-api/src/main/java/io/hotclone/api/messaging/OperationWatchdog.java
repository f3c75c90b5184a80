package io.hotclone.api.messaging;

import io.hotclone.api.ApiProperties;
import io.hotclone.api.domain.Change;
import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.persistence.CloneOperations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fails every operation that is not terminal {@code hotclone.api.operation-timeout} after it was
 * requested: {@code FAILED} with reason {@code "timed out in phase X"}, an internal {@code
 * CloneFailed} so that every service releases what it holds for it, and the public failed event.
 * Runs every second; the row lock and the re-check make it safe next to the saga handler and to
 * other clone-api instances.
 */
@Component
public class OperationWatchdog {

  private static final Logger log = LoggerFactory.getLogger(OperationWatchdog.class);
  private static final int BATCH = 100;

  private final CloneOperations operations;
  private final OperationOutcomes outcomes;
  private final CloneMetrics metrics;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final Duration timeout;

  public OperationWatchdog(
      CloneOperations operations,
      OperationOutcomes outcomes,
      CloneMetrics metrics,
      TransactionTemplate tx,
      Clock clock,
      ApiProperties properties) {
    this.metrics = metrics;
    this.operations = operations;
    this.outcomes = outcomes;
    this.tx = tx;
    this.clock = clock;
    this.timeout = properties.operationTimeout();
  }

  @Scheduled(initialDelay = 1000, fixedDelay = 1000)
  public void sweep() {
    try {
      Instant cutoff = clock.instant().minus(timeout);
      for (UUID id : operations.overdue(cutoff, BATCH)) {
        tx.executeWithoutResult(s -> timeOut(id, cutoff));
      }
    } catch (RuntimeException e) {
      log.warn("watchdog sweep failed (will retry): {}", e.toString());
    }
  }

  private void timeOut(UUID id, Instant cutoff) {
    Optional<CloneOperation> locked = operations.lock(id);
    if (locked.isEmpty() || locked.get().isTerminal() || !locked.get().request().requestedAt().isBefore(cutoff)) {
      return;
    }
    Instant now = clock.instant();
    Change change = locked.get().timeOut(now);
    CloneOperation failed = change.after();
    operations.update(failed);
    outcomes.apply(change, now);
    metrics.ended(failed);
    log.warn("clone {}: {} after {}", id, failed.outcome().failure().reason(), timeout);
  }
}
