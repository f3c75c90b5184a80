package io.hotclone.api.domain;

/**
 * The phases of a clone operation in the order the saga reaches them; {@link #COMPLETED} and
 * {@link #FAILED} are terminal. Each phase names the step that reaches it ({@link #step()}) and the
 * step that is under way while the operation sits in it ({@link #nextStep()}).
 */
public enum Phase {
  REQUESTED("request"),
  STORAGE_FROZEN("freeze-storage"),
  MEMORY_FROZEN("freeze-memory"),
  STATE_COPIED("copy-state"),
  MEMORY_UNFROZEN("unfreeze-memory"),
  STORAGE_UNFROZEN("unfreeze-storage"),
  CONFIGURED("configure"),
  COMPLETED("complete"),
  FAILED("fail");

  private final String step;

  Phase(String step) {
    this.step = step;
  }

  /** The step whose end this phase marks, e.g. {@code freeze-storage} for {@link #STORAGE_FROZEN}. */
  public String step() {
    return step;
  }

  /** The step in progress while the operation is in this phase; {@code null} for terminal phases. */
  public String nextStep() {
    if (isTerminal()) {
      return null;
    }
    return values()[ordinal() + 1].step;
  }

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED;
  }

  /** Whether this phase lies strictly after {@code other} on the happy path. */
  boolean isAfter(Phase other) {
    return this != FAILED && other != FAILED && ordinal() > other.ordinal();
  }
}
