package io.hotclone.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.events.saga.SagaStep;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The operation ids are contracts (the drivers' journals): these strings never change. */
class StepOperationTest {

  private final UUID clone = UUID.randomUUID();

  @Test
  void every_operation_id_is_todays_string() {
    assertThat(StepOperation.FREEZE_STORAGE.id(clone).step()).isEqualTo("freeze-storage");
    assertThat(StepOperation.UNFREEZE_STORAGE.id(clone).step()).isEqualTo("unfreeze-storage");
    assertThat(StepOperation.CLONE_POINTER.id(clone, 0).step()).isEqualTo("clone-pointer-0");
    assertThat(StepOperation.FREEZE_MEMORY.id(clone).step()).isEqualTo("freeze-memory");
    assertThat(StepOperation.UNFREEZE_MEMORY.id(clone).step()).isEqualTo("unfreeze-memory");
    assertThat(StepOperation.COPY.id(clone, 2).step()).isEqualTo("copy-2");
    assertThat(StepOperation.CONFIGURE.id(clone, 1).step()).isEqualTo("configure-1");
    assertThat(StepOperation.START.id(clone, 3).step()).isEqualTo("start-3");
    assertThat(StepOperation.COPY.id(clone, 2).cloneId()).isEqualTo(clone);
  }

  @Test
  void each_step_has_its_operations_in_order() {
    assertThat(StepOperation.of(SagaStep.UNFREEZE_STORAGE))
        .containsExactly(StepOperation.UNFREEZE_STORAGE, StepOperation.CLONE_POINTER);
    assertThat(StepOperation.of(SagaStep.CONFIGURE_CLONE)).containsExactly(StepOperation.CONFIGURE, StepOperation.START);
    assertThat(StepOperation.of(SagaStep.REQUEST)).isEmpty();
  }

  @Test
  void an_index_is_required_exactly_for_per_clone_operations() {
    assertThatThrownBy(() -> StepOperation.COPY.id(clone)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StepOperation.FREEZE_MEMORY.id(clone, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
