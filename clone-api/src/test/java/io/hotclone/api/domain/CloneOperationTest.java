package io.hotclone.api.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.ClonePlan;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CloneOperationTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private final CloneOperationStateMachine machine = new CloneOperationStateMachine();

  private static CloneOperation requested() {
    ClonePlan plan = new ClonePlan("vm-1", "host-a", "host-b", 2, List.of("a", "b"), 30_000);
    return CloneOperation.requested(UUID.randomUUID(), "key-1", new io.hotclone.events.Requester("alice", "t1", "k1"), plan, "golden", T0);
  }

  @Test
  void a_new_operation_is_requested_and_carries_its_plan() {
    CloneOperation op = requested();
    assertThat(op.phase()).isEqualTo(Phase.REQUESTED);
    assertThat(op.reachedAt()).containsEntry(Phase.REQUESTED, T0);
    assertThat(op.plan()).isEqualTo(new ClonePlan("vm-1", "host-a", "host-b", 2, List.of("a", "b"), 30_000));
    assertThat(op.totalMillis()).isNull();
  }

  @Test
  void a_pause_the_hypervisor_could_not_measure_stays_unknown() {
    assertThat(requested().withSourcePauseMicros(null).sourcePauseMicros()).isNull();
    assertThat(requested().withSourcePauseMicros(-1L).sourcePauseMicros()).as("negative is not a pause").isNull();
    assertThat(requested().withSourcePauseMicros(0L).sourcePauseMicros()).isZero();
    assertThat(requested().withSourcePauseMicros(850L).sourcePauseMicros()).isEqualTo(850L);
  }

  @Test
  void the_first_instant_recorded_for_a_phase_wins() {
    CloneOperation op =
        requested().withReached(Phase.STORAGE_FROZEN, T0.plusMillis(5)).withReached(Phase.STORAGE_FROZEN, T0.plusMillis(99));
    assertThat(op.reachedAt()).containsEntry(Phase.STORAGE_FROZEN, T0.plusMillis(5));
  }

  @Test
  void completing_stamps_completion_and_total_time() {
    // given
    CloneOperation op = requested().withReached(Phase.CONFIGURED, T0.plusMillis(80));
    // when
    Transition t = machine.on(Phase.STORAGE_UNFROZEN, "CloneConfigured");
    CloneOperation done = op.withTransition(t, T0.plusMillis(90));
    // then
    assertThat(done.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(done.completedAt()).isEqualTo(T0.plusMillis(90));
    assertThat(done.totalMillis()).isEqualTo(90L);
    assertThat(done.updatedAt()).isEqualTo(T0.plusMillis(90));
  }

  @Test
  void failing_records_step_and_reason_and_an_unchanged_transition_is_a_no_op() {
    CloneOperation op = requested();
    CloneOperation failed = op.withTransition(machine.onTimeout(Phase.REQUESTED), T0.plusSeconds(60));
    assertThat(failed.phase()).isEqualTo(Phase.FAILED);
    assertThat(failed.failure()).isEqualTo(new Failure("freeze-storage", "timed out in phase REQUESTED"));
    assertThat(failed.completedAt()).isNull();
    assertThat(failed.withTransition(machine.onTimeout(Phase.FAILED), T0.plusSeconds(61))).isSameAs(failed);
  }
}
