package io.hotclone.api.domain;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.Requester;
import java.time.Instant;
import java.util.List;
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
 * <p>An operation is served by one saga, the one whose events are keyed by {@link #sagaId}: its own
 * id, unless the request waited behind another freeze of its source and was coalesced with other
 * requests that waited (then the saga of the oldest of them serves all, each operation holding its
 * slice of the saga's clones). {@code null} while the request waits (held, no saga yet).
 *
 * @param id the operation's id (the REST resource; the Kafka key of its lifecycle events)
 * @param sagaId the clone id of the saga serving it (the Kafka key of the saga's events), or
 *     {@code null} while it waits for its source's freeze
 */
public record CloneOperation(UUID id, Request request, Progress progress, Outcome outcome, UUID sagaId) {

  private static final CloneOperationStateMachine MACHINE = new CloneOperationStateMachine();

  public CloneOperation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** An operation served by its own saga. */
  public CloneOperation(UUID id, Request request, Progress progress, Outcome outcome) {
    this(id, request, progress, outcome, id);
  }

  /** This operation waiting for its source's freeze, served by no saga yet. */
  public CloneOperation held() {
    return new CloneOperation(id, request, progress, outcome, null);
  }

  /** Whether the saga serving this operation is its own (its id keys the saga's events). */
  public boolean leadsSaga() {
    return id.equals(sagaId);
  }

  /** Whether the operation waits for its source's freeze (no saga serves it yet). */
  public boolean isHeld() {
    return sagaId == null;
  }

  /**
   * Whether this operation keeps its source's storage frozen or may still freeze it: served by a
   * saga that has not yet unfrozen the source's storage (or asked to and not yet started).
   */
  public boolean freezesSource() {
    return !isHeld() && phase().freezesSource();
  }

  /**
   * The saga this operation's saga id names, seen as one operation: the saga's plan (the members'
   * counts summed) and all its clones. What the saga's own events ({@code CloneCompleted}, {@code
   * CloneFailed}) carry.
   */
  public CloneOperation asSaga(ClonePlan sagaPlan, List<ConfiguredClone> clones) {
    Request r = new Request(
        request.idempotencyKey(), request.requester(), sagaPlan, request.sourceVmName(), request.requestedAt(), request.labels(),
        request.placement());
    return new CloneOperation(sagaId, r, progress, clones == null ? outcome : outcome.withClones(clones), sagaId);
  }
  /** A new operation in {@link Phase#REQUESTED}. */
  public static CloneOperation requested(
      UUID id, String idempotencyKey, Requester requester, ClonePlan plan, String sourceVmName, Instant now) {
    return requested(id, idempotencyKey, requester, plan, sourceVmName, null, now);
  }

  /** A new operation in {@link Phase#REQUESTED} whose clones get {@code labels} (over their source's). */
  public static CloneOperation requested(
      UUID id, String idempotencyKey, Requester requester, ClonePlan plan, String sourceVmName,
      java.util.SortedMap<String, String> labels, Instant now) {
    return new CloneOperation(
        id, new Request(idempotencyKey, requester, plan, sourceVmName, now, labels), Progress.requested(now), Outcome.OPEN);
  }

  /** This operation with its request placed by {@code policy} ({@link Request#withPlacement}). */
  public CloneOperation placedBy(String policy) {
    return new CloneOperation(id, request.withPlacement(policy), progress, outcome, sagaId);
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
      ended = ended.withClones(configured.clones(), configured.failures());
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
    return new Change(this, new CloneOperation(id, request, progressed, ended, sagaId), t);
  }
}
