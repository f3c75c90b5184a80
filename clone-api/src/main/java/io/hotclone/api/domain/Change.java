package io.hotclone.api.domain;

/**
 * What one input did to an operation: the operation before and after, and the state machine's
 * {@link Transition} with the actions the caller must take in the same transaction.
 */
public record Change(CloneOperation before, CloneOperation after, Transition transition) {

  /** Whether anything of the operation changed, so it must be saved. */
  public boolean altered() {
    return !after.equals(before);
  }

  /** Whether this input ended the operation (it became terminal now, not before). */
  public boolean ended() {
    return transition.changed() && after.isTerminal();
  }

  public boolean has(Action action) {
    return transition.has(action);
  }
}
