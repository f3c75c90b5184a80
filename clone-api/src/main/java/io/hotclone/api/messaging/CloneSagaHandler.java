package io.hotclone.api.messaging;

import io.hotclone.api.domain.Action;
import io.hotclone.api.domain.Change;
import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.CloneOperationStateMachine;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.Vms;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventEnvelope;
import io.hotclone.support.inbox.Inbox;
import io.hotclone.support.messaging.SagaEventHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Follows every saga event of an operation this clone-api owns. In one transaction: lock the
 * operation, claim the event in the inbox (a repeat changes nothing), {@link CloneOperation#apply
 * apply} the event, save the operation if it changed, and take the actions the transition asks for
 * (record the clones in the VM read model, append the outcome events). Events of unknown clones are
 * ignored.
 */
@Component
public class CloneSagaHandler implements SagaEventHandler {

  private static final Logger log = LoggerFactory.getLogger(CloneSagaHandler.class);

  private final CloneOperations operations;
  private final Vms vms;
  private final Inbox inbox;
  private final OperationOutcomes outcomes;
  private final CloneMetrics metrics;
  private final TransactionTemplate tx;
  private final Clock clock;

  public CloneSagaHandler(
      CloneOperations operations,
      Vms vms,
      Inbox inbox,
      OperationOutcomes outcomes,
      CloneMetrics metrics,
      TransactionTemplate tx,
      Clock clock) {
    this.metrics = metrics;
    this.operations = operations;
    this.vms = vms;
    this.inbox = inbox;
    this.outcomes = outcomes;
    this.tx = tx;
    this.clock = clock;
  }

  @Override
  public void on(EventEnvelope event) {
    tx.executeWithoutResult(s -> advance(event));
  }

  private void advance(EventEnvelope event) {
    Optional<CloneOperation> locked = operations.lock(event.cloneId());
    if (locked.isEmpty()) {
      log.debug("{} {} of an unknown clone, ignored", event.type(), event.cloneId());
      return;
    }
    if (!inbox.claim(event)) {
      return;
    }
    Instant now = clock.instant();
    Change change = locked.get().apply(event, now);
    CloneOperation op = change.after();
    if (change.has(Action.RECORD_CLONES)) {
      for (ConfiguredClone clone : op.outcome().clones()) {
        vms.cloned(clone, op.plan().sourceVm(), op.id(), op.tenant(), now);
      }
    }
    if (change.altered()) {
      operations.update(op);
    }
    outcomes.apply(change, now);
    if (change.ended()) {
      metrics.ended(op);
    }
    if (change.transition().changed()) {
      log.info("clone {}: {} -> {} on {}", op.id(), change.transition().from(), change.transition().to(), event.type());
    } else if (change.before().isTerminal() && CloneOperationStateMachine.phaseOf(event.type()) != null) {
      log.info("clone {}: late {} ignored, already {}", op.id(), event.type(), change.before().phase());
    }
  }
}
