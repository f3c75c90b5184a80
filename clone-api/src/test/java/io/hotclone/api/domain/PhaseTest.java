package io.hotclone.api.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseTest {

  @Test
  void the_phases_of_the_happy_path_are_the_saga_table_row_by_row() {
    // when the phases are read as the steps that reach them
    List<SagaStep> steps = Arrays.stream(Phase.values()).filter(p -> p != Phase.FAILED).map(Phase::step).toList();
    // then they are the table's path, in its order
    assertThat(steps).isEqualTo(SagaTable.path());
    assertThat(Phase.FAILED.step()).as("no step reaches FAILED").isNull();
  }

  @Test
  void the_step_under_way_is_the_next_row_of_the_table() {
    assertThat(Phase.REQUESTED.nextStep()).isEqualTo(SagaStep.FREEZE_STORAGE);
    assertThat(Phase.MEMORY_FROZEN.nextStep()).isEqualTo(SagaStep.COPY_STATE);
    assertThat(Phase.STORAGE_UNFROZEN.nextStep().wireName()).isEqualTo("configure-clone");
    assertThat(Phase.CONFIGURED.nextStep()).isEqualTo(SagaStep.COMPLETE);
    assertThat(Phase.COMPLETED.nextStep()).isNull();
    assertThat(Phase.FAILED.nextStep()).isNull();
  }

  @Test
  void each_step_reaches_exactly_one_phase() {
    for (SagaStep step : SagaStep.values()) {
      assertThat(Phase.reachedBy(step).step()).as(step.wireName()).isEqualTo(step);
    }
    assertThat(Phase.reachedBy(SagaStep.CONFIGURE_CLONE)).isEqualTo(Phase.CONFIGURED);
  }
}
