package io.hotclone.api.messaging;

import io.hotclone.api.domain.Action;
import io.hotclone.api.domain.Change;
import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.CloneOperationStateMachine;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.CloneOperations.Member;
import io.hotclone.api.lifecycle.VmLifecycle;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventEnvelope;
import io.hotclone.support.inbox.Inbox;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.tracing.TraceContexts;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Follows every saga event of the operations this clone-api owns. In one transaction: lock the
 * operations the saga serves (one, or several coalesced requests: {@link WaitingRequests}), claim
 * the event in the inbox (a repeat changes nothing), {@link CloneOperation#apply apply} the event to
 * each (a {@code CloneConfigured} gives each operation its slice of the clones), save what changed,
 * and take the actions the transitions ask for (record the clones in the VM read model, append the
 * outcome events: the saga's internal ones once, from the operation whose id is the saga's; the
 * public lifecycle events of each operation, in its own trace). When the source's storage is no
 * longer frozen by the saga, the requests waiting for it are dispatched. Every {@link OperationEnds}
 * hears of each operation that ended, in the same transaction. Events of unknown clones
 * are ignored.
 */
@Component
public class CloneSagaHandler implements SagaEventHandler {

  private static final Logger log = LoggerFactory.getLogger(CloneSagaHandler.class);

  private final CloneOperations operations;
  private final VmLifecycle lifecycle;
  private final Inbox inbox;
  private final OperationOutcomes outcomes;
  private final CloneMetrics metrics;
  private final WaitingRequests waiting;
  private final TraceContexts traces;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final List<OperationEnds> ends;

  public CloneSagaHandler(
      CloneOperations operations,
      VmLifecycle lifecycle,
      Inbox inbox,
      OperationOutcomes outcomes,
      CloneMetrics metrics,
      WaitingRequests waiting,
      TraceContexts traces,
      TransactionTemplate tx,
      Clock clock,
      List<OperationEnds> ends) {
    this.ends = List.copyOf(ends);
    this.metrics = metrics;
    this.operations = operations;
    this.lifecycle = lifecycle;
    this.inbox = inbox;
    this.outcomes = outcomes;
    this.waiting = waiting;
    this.traces = traces;
    this.tx = tx;
    this.clock = clock;
  }

  @Override
  public void on(EventEnvelope event) {
    tx.executeWithoutResult(s -> advance(event));
  }

  private void advance(EventEnvelope event) {
    List<Member> members = operations.lockSaga(event.cloneId());
    if (members.isEmpty()) {
      log.debug("{} {} of an unknown clone, ignored", event.type(), event.cloneId());
      return;
    }
    if (!inbox.claim(event)) {
      return;
    }
    Instant now = clock.instant();
    ClonePlan sagaPlan = WaitingRequests.sagaPlan(members, null);
    List<ConfiguredClone> sagaClones =
        event.payload() instanceof CloneConfigured configured ? configured.clones() : null;
    boolean unfrozen = false;
    for (Member member : members) {
      Change change = member.operation().apply(slice(event, member), now);
      CloneOperation op = change.after();
      if (change.has(Action.RECORD_CLONES)) {
        for (ConfiguredClone clone : op.outcome().clones()) {
          // the clone started when config-service says so, not when this event is read
          lifecycle.cloned(clone, op.plan().sourceVm(), op.id(), op.tenant(), op.request().labels(),
              op.request().requester(), event.occurredAt());
        }
      }
      if (change.altered()) {
        operations.update(op);
      }
      if (op.leadsSaga()) {
        outcomes.apply(change, sagaPlan, sagaClones, now);
      } else if (change.ended()) {
        traces.continueTrace(member.traceparent(), "end " + op.phase() + " (waited)", op.id(),
            () -> outcomes.apply(change, sagaPlan, sagaClones, now));
      }
      if (change.ended()) {
        metrics.ended(op);
        for (OperationEnds listener : ends) {
          listener.ended(op, now);
        }
      }
      unfrozen |= change.before().freezesSource() && !op.freezesSource();
      if (change.transition().changed()) {
        log.info("clone {}: {} -> {} on {}", op.id(), change.transition().from(), change.transition().to(), event.type());
      } else if (change.before().isTerminal() && CloneOperationStateMachine.phaseOf(event.type()) != null) {
        log.info("clone {}: late {} ignored, already {}", op.id(), event.type(), change.before().phase());
      }
    }
    if (unfrozen) {
      waiting.dispatch(sagaPlan.sourceVm(), now);
    }
  }

  /** The event as {@code member} sees it: a {@code CloneConfigured} holds only its clones. */
  static EventEnvelope slice(EventEnvelope event, Member member) {
    if (!(event.payload() instanceof CloneConfigured configured)) {
      return event;
    }
    // by the clones' saga indexes: a partial saga's clones may have gaps where clones failed
    int from = member.offset();
    int to = from + member.operation().plan().count();
    List<ConfiguredClone> clones =
        configured.clones().stream().filter(c -> c.index() >= from && c.index() < to).toList();
    List<io.hotclone.events.FailedClone> failures =
        configured.failures().stream().filter(f -> f.index() >= from && f.index() < to).toList();
    if (clones.size() == configured.clones().size() && failures.size() == configured.failures().size()) {
      return event;
    }
    return new EventEnvelope(event.eventId(), event.type(), event.cloneId(), event.occurredAt(), event.schemaVersion(),
        new CloneConfigured(configured.plan(), clones, failures));
  }
}
