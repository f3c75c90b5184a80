package io.hotclone.api.domain;

import io.hotclone.events.EventTypes;
import java.util.Map;
import java.util.Set;

/**
 * The clone operation's phases as a pure function: (phase, input) → {@link Transition}.
 *
 * <p>Invariants: a phase only moves forward along {@code REQUESTED → STORAGE_FROZEN → MEMORY_FROZEN →
 * STATE_COPIED → MEMORY_UNFROZEN → STORAGE_UNFROZEN → CONFIGURED → COMPLETED}, or to {@code FAILED}
 * from any non-terminal phase; a duplicate, out-of-order or late event never moves it backwards and
 * nothing moves it out of {@code COMPLETED} or {@code FAILED}. The actions of reaching a terminal
 * phase are therefore returned exactly once per operation. Unknown event types change nothing.
 */
public final class CloneOperationStateMachine {

  /** Wire type → the phase the event marks. */
  private static final Map<String, Phase> PROGRESS =
      Map.of(
          EventTypes.CLONE_REQUESTED, Phase.REQUESTED,
          EventTypes.STORAGE_FROZEN, Phase.STORAGE_FROZEN,
          EventTypes.MEMORY_FROZEN, Phase.MEMORY_FROZEN,
          EventTypes.STATE_COPIED, Phase.STATE_COPIED,
          EventTypes.MEMORY_UNFROZEN, Phase.MEMORY_UNFROZEN,
          EventTypes.STORAGE_UNFROZEN, Phase.STORAGE_UNFROZEN,
          EventTypes.CLONE_CONFIGURED, Phase.CONFIGURED);

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
    if (reached == Phase.CONFIGURED) {
      return new Transition(
          current,
          Phase.COMPLETED,
          Set.of(Action.RECORD_CLONES, Action.EMIT_CLONE_COMPLETED, Action.PUBLISH_COMPLETED),
          null);
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
   * the step under way, reason {@code "timed out in phase X"}, and an internal {@code CloneFailed}
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
        new Failure(current.nextStep(), "timed out in phase " + current.name()));
  }
}
