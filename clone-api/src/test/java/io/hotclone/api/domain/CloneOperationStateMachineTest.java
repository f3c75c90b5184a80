package io.hotclone.api.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.EventTypes;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CloneOperationStateMachineTest {

  private final CloneOperationStateMachine machine = new CloneOperationStateMachine();

  private static final List<String> SAGA =
      List.of(
          EventTypes.STORAGE_FROZEN,
          EventTypes.MEMORY_FROZEN,
          EventTypes.STATE_COPIED,
          EventTypes.MEMORY_UNFROZEN,
          EventTypes.STORAGE_UNFROZEN,
          EventTypes.CLONE_CONFIGURED);

  private static final List<String> ALL_TYPES =
      List.of(
          EventTypes.CLONE_REQUESTED,
          EventTypes.STORAGE_FROZEN,
          EventTypes.MEMORY_FROZEN,
          EventTypes.STATE_COPIED,
          EventTypes.MEMORY_UNFROZEN,
          EventTypes.STORAGE_UNFROZEN,
          EventTypes.CLONE_CONFIGURED,
          EventTypes.CLONE_COMPLETED,
          EventTypes.CLONE_FAILED,
          "SomethingNew");

  @Test
  void the_happy_path_walks_every_phase_in_order_and_completes_once() {
    // given
    Phase phase = Phase.REQUESTED;
    List<Phase> seen = new java.util.ArrayList<>();
    // when
    Transition last = null;
    for (String type : SAGA) {
      last = machine.on(phase, type);
      phase = last.to();
      seen.add(phase);
    }
    // then
    assertThat(seen)
        .containsExactly(
            Phase.STORAGE_FROZEN,
            Phase.MEMORY_FROZEN,
            Phase.STATE_COPIED,
            Phase.MEMORY_UNFROZEN,
            Phase.STORAGE_UNFROZEN,
            Phase.COMPLETED);
    assertThat(last.actions())
        .containsExactlyInAnyOrder(Action.RECORD_CLONES, Action.EMIT_CLONE_COMPLETED, Action.PUBLISH_COMPLETED);
    assertThat(last.failure()).isNull();
  }

  @Test
  void intermediate_steps_carry_no_actions() {
    // given an operation whose storage is frozen
    // when memory freezes
    Transition t = machine.on(Phase.STORAGE_FROZEN, EventTypes.MEMORY_FROZEN);
    // then
    assertThat(t.to()).isEqualTo(Phase.MEMORY_FROZEN);
    assertThat(t.changed()).isTrue();
    assertThat(t.actions()).isEmpty();
  }

  @Test
  void a_duplicate_event_changes_nothing() {
    // given memory already frozen
    // when MemoryFrozen is redelivered
    Transition t = machine.on(Phase.MEMORY_FROZEN, EventTypes.MEMORY_FROZEN);
    // then
    assertThat(t.changed()).isFalse();
    assertThat(t.to()).isEqualTo(Phase.MEMORY_FROZEN);
    assertThat(t.actions()).isEmpty();
  }

  @Test
  void a_late_earlier_event_never_moves_the_phase_backwards() {
    // given the state was already copied
    // when a StorageFrozen arrives late
    Transition t = machine.on(Phase.STATE_COPIED, EventTypes.STORAGE_FROZEN);
    // then
    assertThat(t.to()).isEqualTo(Phase.STATE_COPIED);
    assertThat(t.changed()).isFalse();
  }

  @Test
  void an_event_ahead_of_its_predecessor_moves_forward() {
    // given a requested operation whose StorageFrozen has not been seen yet
    // when MemoryFrozen arrives first
    Transition t = machine.on(Phase.REQUESTED, EventTypes.MEMORY_FROZEN);
    // then
    assertThat(t.to()).isEqualTo(Phase.MEMORY_FROZEN);
  }

  @Test
  void a_second_clone_configured_after_completion_publishes_nothing() {
    // given a completed operation
    // when CloneConfigured is redelivered
    Transition t = machine.on(Phase.COMPLETED, EventTypes.CLONE_CONFIGURED);
    // then
    assertThat(t.changed()).isFalse();
    assertThat(t.actions()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = Phase.class, names = {"COMPLETED", "FAILED"})
  void nothing_moves_a_terminal_phase(Phase terminal) {
    for (String type : ALL_TYPES) {
      // when any event arrives
      Transition t = machine.on(terminal, type);
      // then
      assertThat(t.to()).as(type).isEqualTo(terminal);
      assertThat(t.actions()).as(type).isEmpty();
    }
    assertThat(machine.onFailed(terminal, "copy-state", "boom").to()).isEqualTo(terminal);
    assertThat(machine.onFailed(terminal, "copy-state", "boom").actions()).isEmpty();
    assertThat(machine.onTimeout(terminal).to()).isEqualTo(terminal);
    assertThat(machine.onTimeout(terminal).actions()).isEmpty();
  }

  @Test
  void no_input_ever_moves_any_phase_backwards() {
    for (Phase from : Phase.values()) {
      for (String type : ALL_TYPES) {
        Phase to = machine.on(from, type).to();
        assertThat(to == from || to == Phase.FAILED || to.ordinal() > from.ordinal())
            .as("%s on %s -> %s", from, type, to)
            .isTrue();
      }
    }
  }

  @Test
  void own_and_unknown_events_change_nothing() {
    assertThat(machine.on(Phase.STATE_COPIED, EventTypes.CLONE_COMPLETED).changed()).isFalse();
    assertThat(machine.on(Phase.STATE_COPIED, EventTypes.CLONE_REQUESTED).changed()).isFalse();
    assertThat(machine.on(Phase.STATE_COPIED, "SomethingNew").changed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = Phase.class, names = {"COMPLETED", "FAILED"}, mode = EnumSource.Mode.EXCLUDE)
  void a_clone_failed_fails_any_open_phase_with_its_step_and_reason(Phase open) {
    // when a service reports a failed step
    Transition t = machine.onFailed(open, "copy-state", "target disk full");
    // then
    assertThat(t.to()).isEqualTo(Phase.FAILED);
    assertThat(t.failure()).isEqualTo(new Failure("copy-state", "target disk full"));
    assertThat(t.actions()).containsExactly(Action.PUBLISH_FAILED);
  }

  @Test
  void a_timeout_fails_in_the_step_under_way_and_tells_the_others_to_release() {
    // given memory is frozen (the copy is under way)
    // when the watchdog times the operation out
    Transition t = machine.onTimeout(Phase.MEMORY_FROZEN);
    // then
    assertThat(t.to()).isEqualTo(Phase.FAILED);
    assertThat(t.failure().step()).isEqualTo("copy-state");
    assertThat(t.failure().reason()).isEqualTo("timed out in phase MEMORY_FROZEN");
    assertThat(t.actions()).containsExactlyInAnyOrder(Action.EMIT_CLONE_FAILED, Action.PUBLISH_FAILED);
  }

  @Test
  void the_event_each_step_emits_marks_the_phase_it_reaches() {
    for (SagaStep step : SagaTable.path()) {
      if (step == SagaStep.COMPLETE) {
        continue;
      }
      assertThat(CloneOperationStateMachine.phaseOf(EventTypes.typeOf(step.emits())))
          .as(step.wireName())
          .isEqualTo(Phase.reachedBy(step));
    }
    // clone-api's own CloneCompleted is a consequence of a transition, never an input
    assertThat(CloneOperationStateMachine.phaseOf(EventTypes.CLONE_COMPLETED)).isNull();
    assertThat(CloneOperationStateMachine.phaseOf(EventTypes.CLONE_FAILED)).isNull();
  }

  @Test
  void a_timeout_while_configuring_fails_in_configure_clone_the_services_step_name() {
    // given the storage is unfrozen (config-service's step is under way)
    // when the watchdog times the operation out
    Transition t = machine.onTimeout(Phase.STORAGE_UNFROZEN);
    // then the failed step is the saga's wire name, as config-service's own CloneFailed says
    assertThat(t.failure()).isEqualTo(new Failure("configure-clone", "timed out in phase STORAGE_UNFROZEN"));
  }

  @Test
  void a_failure_without_a_step_is_recorded_as_unknown() {
    Transition t = machine.onFailed(Phase.REQUESTED, null, null);
    assertThat(t.failure()).isEqualTo(new Failure("unknown", ""));
  }
}
