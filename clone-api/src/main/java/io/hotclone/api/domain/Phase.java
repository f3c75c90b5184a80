package io.hotclone.api.domain;

import io.hotclone.events.saga.SagaStep;
import java.util.Arrays;

/**
 * The phases of a clone operation, mapped onto the saga table: each progress phase is the {@link
 * SagaStep} that reaches it ({@link #step()}), in the table's order, and the step under way while an
 * operation sits in a phase is the table's next row ({@link #nextStep()}). {@link #COMPLETED} and
 * {@link #FAILED} are terminal; {@code FAILED} is reached by no step (a failure leaves the path).
 *
 * <p>The names are the REST API's {@code phase} and the keys of {@code phaseTimes} and of the
 * {@code step_times} column: they never change. Step names come from {@link SagaStep#wireName()}.
 */
public enum Phase {
  REQUESTED(SagaStep.REQUEST),
  STORAGE_FROZEN(SagaStep.FREEZE_STORAGE),
  MEMORY_FROZEN(SagaStep.FREEZE_MEMORY),
  STATE_COPIED(SagaStep.COPY_STATE),
  MEMORY_UNFROZEN(SagaStep.UNFREEZE_MEMORY),
  STORAGE_UNFROZEN(SagaStep.UNFREEZE_STORAGE),
  CONFIGURED(SagaStep.CONFIGURE_CLONE),
  COMPLETED(SagaStep.COMPLETE),
  FAILED(null);

  private final SagaStep step;

  Phase(SagaStep step) {
    this.step = step;
  }

  /**
   * The step whose end this phase marks, e.g. {@code freeze-storage} for {@link #STORAGE_FROZEN};
   * {@code null} for {@link #FAILED}.
   */
  public SagaStep step() {
    return step;
  }

  /** The step in progress while the operation is in this phase; {@code null} for terminal phases. */
  public SagaStep nextStep() {
    if (isTerminal()) {
      return null;
    }
    return SagaStep.values()[step.ordinal() + 1];
  }

  /** The phase {@code step} reaches. */
  public static Phase reachedBy(SagaStep step) {
    return Arrays.stream(values()).filter(p -> p.step == step).findFirst().orElseThrow();
  }

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED;
  }

  /**
   * Whether an operation in this phase keeps (or is about to take) its source's storage freeze:
   * from {@code REQUESTED} up to {@code MEMORY_UNFROZEN}; the freeze ends at {@code
   * unfreeze-storage}.
   */
  public boolean freezesSource() {
    return !isTerminal() && ordinal() < STORAGE_UNFROZEN.ordinal();
  }

  /** Whether this phase lies strictly after {@code other} on the happy path. */
  boolean isAfter(Phase other) {
    return this != FAILED && other != FAILED && ordinal() > other.ordinal();
  }
}
