package io.hotclone.api.messaging;

import io.hotclone.api.domain.Action;
import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.CloneOperationStateMachine;
import io.hotclone.api.domain.Transition;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.Vms;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
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
 * operation, claim the event in the inbox (a repeat changes nothing), record when the step's phase
 * was reached (and the source's pause and freeze times as they pass), advance the phase through the
 * state machine, and append what the transition asks for. Events of unknown clones are ignored.
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
  private final CloneOperationStateMachine machine = new CloneOperationStateMachine();

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
    CloneOperation before = locked.get();
    CloneOperation op = before;
    Instant now = clock.instant();
    CloneEvent payload = event.payload();
    Transition t;
    if (payload instanceof CloneFailed failed) {
      t = machine.onFailed(op.phase(), failed.step(), failed.reason());
    } else {
      if (!op.isTerminal()) {
        op = op.withReached(CloneOperationStateMachine.phaseOf(event.type()), event.occurredAt());
        if (payload instanceof MemoryFrozen frozen) {
          op = op.withSourcePauseMicros(frozen.pauseMicros());
        } else if (payload instanceof MemoryUnfrozen unfrozen) {
          op = op.withFreezeMillis(unfrozen.frozenMillis());
        }
      }
      t = machine.on(op.phase(), event.type());
    }
    if (t.has(Action.RECORD_CLONES) && payload instanceof CloneConfigured configured) {
      op = op.withClones(configured.clones());
      for (ConfiguredClone clone : configured.clones()) {
        vms.cloned(clone, op.sourceVm(), op.id(), op.tenant(), now);
      }
    }
    op = op.withTransition(t, now);
    if (!op.equals(before)) {
      operations.update(op);
    }
    outcomes.apply(op, t, now);
    if (t.changed() && op.isTerminal()) {
      metrics.ended(op);
    }
    if (t.changed()) {
      log.info("clone {}: {} -> {} on {}", op.id(), t.from(), t.to(), event.type());
    } else if (before.isTerminal() && CloneOperationStateMachine.phaseOf(event.type()) != null) {
      log.info("clone {}: late {} ignored, already {}", op.id(), event.type(), before.phase());
    }
  }
}
