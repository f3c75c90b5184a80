package io.hotclone.api.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * The outcome of one input to the state machine: the phase before and after, the actions to take
 * and, for a transition to {@link Phase#FAILED}, why. An unchanged phase carries no actions.
 */
public record Transition(Phase from, Phase to, Set<Action> actions, Failure failure) {

  public Transition {
    actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
  }

  static Transition stay(Phase phase) {
    return new Transition(phase, phase, Set.of(), null);
  }

  public boolean changed() {
    return from != to;
  }

  public boolean has(Action action) {
    return actions.contains(action);
  }
}
