package io.hotclone.api.domain;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.Requester;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One clone operation as clone-api knows it, in three parts: the {@link Request} (what was asked
 * for, fixed), its {@link Progress} (phase, phase times, step timings, the source's pause and
 * freeze) and its {@link Outcome} (clones or failure). Immutable: {@link #apply} and {@link
 * #timeOut} return a {@link Change} holding the next operation and the transition that led to it.
 *
 * <p>Invariants (those of {@link CloneOperationStateMachine}): the phase never moves backwards, a
 * terminal operation never changes again, and the actions of ending are returned once.
 *
 * @param id the clone id (Kafka key of every event of this operation)
 */
public record CloneOperation(UUID id, Request request, Progress progress, Outcome outcome) {

  private static final CloneOperationStateMachine MACHINE = new CloneOperationStateMachine();

  public CloneOperation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** A new operation in {@link Phase#REQUESTED}. */
  public static CloneOperation requested(
      UUID id, String idempotencyKey, Requester requester, ClonePlan plan, String sourceVmName, Instant now) {
    return new CloneOperation(
        id, new Request(idempotencyKey, requester, plan, sourceVmName, now), Progress.requested(now), Outcome.OPEN);
  }

  public Phase phase() {
    return progress.phase();
  }

  public boolean isTerminal() {
    return phase().isTerminal();
  }

  /** The tenant the operation belongs to (its source's). */
  public String tenant() {
    return request.tenant();
  }

  public ClonePlan plan() {
    return request.plan();
  }

  /** Milliseconds from request to completion; {@code null} unless completed. */
  public Long totalMillis() {
    return StepTimings.between(request.requestedAt(), outcome.completedAt());
  }

  /**
   * A saga event of this operation, handled at {@code now}. A {@code CloneFailed} fails an open
   * operation with its step and reason. Any other event, while the operation is open, records when
   * the phase it marks was reached and the figures it carries ({@link Progress#observed}), then
   * moves the phase if the event lies ahead; {@code CloneConfigured} completes the operation with
   * its clones. A terminal operation stays as it is.
   */
  public Change apply(EventEnvelope event, Instant now) {
    if (event.payload() instanceof CloneFailed failed) {
      return next(MACHINE.onFailed(phase(), failed.step(), failed.reason()), progress, outcome, now);
    }
    Progress observed = isTerminal() ? progress : progress.observed(event);
    Transition t = MACHINE.on(observed.phase(), event.type());
    Outcome ended = outcome;
    if (t.has(Action.RECORD_CLONES) && event.payload() instanceof CloneConfigured configured) {
      ended = ended.withClones(configured.clones());
    }
    return next(t, observed, ended, now);
  }

  /**
   * The watchdog found the operation open past its timeout at {@code now}: {@code FAILED} in the
   * step under way, with the actions that make every service release what it holds.
   */
  public Change timeOut(Instant now) {
    return next(MACHINE.onTimeout(phase()), progress, outcome, now);
  }

  private Change next(Transition t, Progress progressed, Outcome ended, Instant now) {
    if (t.changed()) {
      progressed = progressed.movedTo(t.to(), now);
      if (t.to() == Phase.COMPLETED) {
        ended = ended.completedAt(now);
      }
      if (t.failure() != null) {
        ended = ended.failed(t.failure());
      }
    }
    return new Change(this, new CloneOperation(id, request, progressed, ended), t);
  }
}
