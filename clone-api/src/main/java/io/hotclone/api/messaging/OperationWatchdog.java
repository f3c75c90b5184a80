package io.hotclone.api.messaging;

import io.hotclone.api.ApiProperties;
import io.hotclone.api.domain.Change;
import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.CloneOperations.Member;
import io.hotclone.events.ClonePlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * CloneFailed} so that every service releases what it holds for it, and the public failed event;
 * with it every operation served by the same saga, and the requests that waited for the source are
 * dispatched.
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
  private final WaitingRequests waiting;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final Duration timeout;

  public OperationWatchdog(
      CloneOperations operations,
      OperationOutcomes outcomes,
      CloneMetrics metrics,
      WaitingRequests waiting,
      TransactionTemplate tx,
      Clock clock,
      ApiProperties properties) {
    this.metrics = metrics;
    this.waiting = waiting;
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

  /**
   * Times out the overdue operation {@code id} and every other open operation its saga serves (the
   * saga is failed as one); a request still waiting for its source ends alone. Locks in the saga
   * handler's order (by offset), after reading which saga serves the operation.
   */
  private void timeOut(UUID id, Instant cutoff) {
    Optional<CloneOperation> found = operations.find(id);
    if (found.isEmpty()) {
      return;
    }
    UUID sagaId = found.get().sagaId();
    List<Member> members =
        sagaId == null
            ? operations.lock(id).filter(CloneOperation::isHeld).map(op -> new Member(op, 0, null, null)).stream().toList()
            : operations.lockSaga(sagaId);
    boolean overdue = members.stream()
        .anyMatch(m -> m.operation().id().equals(id)
            && !m.operation().isTerminal()
            && m.operation().request().requestedAt().isBefore(cutoff));
    if (!overdue) {
      return;
    }
    Instant now = clock.instant();
    ClonePlan sagaPlan = WaitingRequests.sagaPlan(members, null);
    boolean unfrozen = false;
    for (Member member : members) {
      if (member.operation().isTerminal()) {
        continue;
      }
      Change change = member.operation().timeOut(now);
      CloneOperation failed = change.after();
      operations.update(failed);
      outcomes.apply(change, sagaPlan, null, now);
      metrics.ended(failed);
      unfrozen |= change.before().freezesSource();
      log.warn("clone {}: {} after {}", failed.id(), failed.outcome().failure().reason(), timeout);
    }
    if (unfrozen) {
      waiting.dispatch(sagaPlan.sourceVm(), now);
    }
  }
}
