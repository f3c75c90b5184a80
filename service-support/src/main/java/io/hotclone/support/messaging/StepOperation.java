package io.hotclone.support.messaging;

import io.hotclone.events.saga.SagaStep;
import io.hotclone.hypervisor.OperationId;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The hypervisor operations of each saga step, and the one place their {@link OperationId}s are
 * made. The ids are contracts (the drivers' journals key their effects by them): a step that acts
 * once is named after its step ({@code freeze-storage}); an operation done once per clone is named
 * {@code <name>-<index>} ({@code copy-0}, {@code clone-pointer-1}).
 */
public enum StepOperation {
  FREEZE_STORAGE(SagaStep.FREEZE_STORAGE),
  /** Also the thaw that compensates a storage freeze: a thaw of nothing frozen succeeds. */
  UNFREEZE_STORAGE(SagaStep.UNFREEZE_STORAGE),
  CLONE_POINTER(SagaStep.UNFREEZE_STORAGE, "clone-pointer"),
  FREEZE_MEMORY(SagaStep.FREEZE_MEMORY),
  /** Also the thaw that compensates a memory freeze. */
  UNFREEZE_MEMORY(SagaStep.UNFREEZE_MEMORY),
  COPY(SagaStep.COPY_STATE, "copy"),
  CONFIGURE(SagaStep.CONFIGURE_CLONE, "configure"),
  START(SagaStep.CONFIGURE_CLONE, "start");

  private final SagaStep step;
  private final String perClone;

  StepOperation(SagaStep step) {
    this(step, null);
  }

  StepOperation(SagaStep step, String perClone) {
    this.step = step;
    this.perClone = perClone;
  }

  /** The saga step this operation belongs to. */
  public SagaStep step() {
    return step;
  }

  /** Whether the operation is done once per clone (its id needs the clone's index). */
  public boolean perClone() {
    return perClone != null;
  }

  /** The id of an operation done once per clone operation, e.g. {@code <cloneId>/freeze-storage}. */
  public OperationId id(UUID cloneId) {
    if (perClone()) {
      throw new IllegalArgumentException(this + " is done once per clone: give the clone's index");
    }
    return OperationId.of(cloneId, step.wireName());
  }

  /** The id of clone {@code index}'s operation, e.g. {@code <cloneId>/copy-2}. */
  public OperationId id(UUID cloneId, int index) {
    if (!perClone()) {
      throw new IllegalArgumentException(this + " is done once per clone operation: it has no index");
    }
    return OperationId.of(cloneId, perClone, index);
  }

  /** The operations of {@code step}, in the order the step does them. */
  public static List<StepOperation> of(SagaStep step) {
    return Arrays.stream(values()).filter(o -> o.step == step).toList();
  }
}
