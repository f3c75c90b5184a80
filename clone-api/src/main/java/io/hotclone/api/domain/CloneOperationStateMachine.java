package io.hotclone.api.domain;

import io.hotclone.events.EventTypes;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The clone operation's phases as a pure function: (phase, input) → {@link Transition}.
 *
 * <p>The event that marks each phase comes from the saga table: a phase is reached by the event its
 * step emits ({@link SagaStep#emits()}; {@code StorageFrozen} → {@code STORAGE_FROZEN}, …, {@code
 * CloneConfigured} → {@code CONFIGURED}). The event that one of clone-api's own rows reacts to
 * ({@code CloneConfigured}, for {@link SagaStep#COMPLETE}) passes through to that row's phase
 * ({@code COMPLETED}) with the actions that complete the operation. What clone-api emits in reaction
 * to the saga ({@code CloneCompleted}) is a consequence, not an input: it marks no phase.
 *
 * <p>Invariants: a phase only moves forward along {@code REQUESTED → STORAGE_FROZEN → MEMORY_FROZEN →
 * STATE_COPIED → MEMORY_UNFROZEN → STORAGE_UNFROZEN → CONFIGURED → COMPLETED}, or to {@code FAILED}
 * from any non-terminal phase; a duplicate, out-of-order or late event never moves it backwards and
 * nothing moves it out of {@code COMPLETED} or {@code FAILED}. The actions of reaching a terminal
 * phase are therefore returned exactly once per operation. Unknown event types change nothing.
 */
public final class CloneOperationStateMachine {

  /** Wire type → the phase the event marks, read from the saga table. */
  private static final Map<String, Phase> PROGRESS = progressFromTable();

  private static final Set<Action> COMPLETION =
      Set.of(Action.RECORD_CLONES, Action.EMIT_CLONE_COMPLETED, Action.PUBLISH_COMPLETED);

  private static Map<String, Phase> progressFromTable() {
    Map<String, Phase> progress = new HashMap<>();
    for (SagaStep step : SagaTable.path()) {
      boolean ownReaction = step.service() == SagaService.CLONE_API && step.on().isPresent();
      if (!ownReaction) {
        progress.put(EventTypes.typeOf(step.emits()), Phase.reachedBy(step));
      }
    }
    return Map.copyOf(progress);
  }

  /** The phase an event of {@code eventType} marks, or {@code null} if it marks none. */
  public static Phase phaseOf(String eventType) {
    return PROGRESS.get(eventType);
  }

  /**
   * A progress event ({@code StorageFrozen} … {@code CloneConfigured}). {@code CloneConfigured}
   * completes the operation: {@code CONFIGURED} is passed through to {@code COMPLETED} with
   * {@link Action#RECORD_CLONES}, {@link Action#EMIT_CLONE_COMPLETED} and {@link
   * Action#PUBLISH_COMPLETED}.
   */
  public Transition on(Phase current, String eventType) {
    Phase reached = PROGRESS.get(eventType);
    if (reached == null || current.isTerminal() || !reached.isAfter(current)) {
      return Transition.stay(current);
    }
    Optional<SagaStep> ownRow = SagaTable.stepOn(SagaService.CLONE_API, reached.step().emits());
    if (ownRow.isPresent()) {
      return new Transition(current, Phase.reachedBy(ownRow.get()), COMPLETION, null);
    }
    return new Transition(current, reached, Set.of(), null);
  }

  /**
   * A {@code CloneFailed} from another service (or a redelivery of our own): {@code FAILED} with
   * the given step and reason and the public failed event, unless already terminal. No internal
   * {@code CloneFailed} is emitted, since the event itself already tells every service to release.
   */
  public Transition onFailed(Phase current, String step, String reason) {
    if (current.isTerminal()) {
      return Transition.stay(current);
    }
    return new Transition(current, Phase.FAILED, Set.of(Action.PUBLISH_FAILED), new Failure(step, reason));
  }

  /**
   * The watchdog found the operation still in {@code current} after its timeout: {@code FAILED} in
   * the step under way (the wire name of {@link Phase#nextStep()}), reason {@code "timed out in phase X"}, and an internal {@code CloneFailed}
   * so that every service releases what it holds.
   */
  public Transition onTimeout(Phase current) {
    if (current.isTerminal()) {
      return Transition.stay(current);
    }
    return new Transition(
        current,
        Phase.FAILED,
        Set.of(Action.EMIT_CLONE_FAILED, Action.PUBLISH_FAILED),
        new Failure(current.nextStep().wireName(), "timed out in phase " + current.name()));
  }
}
