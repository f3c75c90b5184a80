package io.hotclone.api.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.CloneCompleted;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.EventTypes;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.Requester;
import io.hotclone.events.StateCopied;
import io.hotclone.events.StorageFrozen;
import io.hotclone.events.StorageUnfrozen;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link CloneOperation#apply} and {@link CloneOperation#timeOut}: pure, given/when/then. */
class CloneOperationTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 2, List.of("a", "b"), 30_000);
  private static final ConfiguredClone CLONE_A =
      new ConfiguredClone(0, "vm-a", "a", "uuid-a", "52:54:00:00:00:0a", "10.0.0.10", "a", "host-b", "ptr-a", 1);
  private static final ConfiguredClone CLONE_B =
      new ConfiguredClone(1, "vm-b", "b", "uuid-b", "52:54:00:00:00:0b", "10.0.0.11", "b", "host-b", "ptr-b", 1);

  private static CloneOperation requested() {
    return CloneOperation.requested(ID, "key-1", new Requester("alice", "t1", "k1"), PLAN, "golden", T0);
  }

  private static EventEnvelope event(CloneEvent payload, Instant occurredAt) {
    return new EventEnvelope(
        UUID.randomUUID(), EventTypes.typeOf(payload), ID, occurredAt, EventEnvelope.SCHEMA_VERSION, payload);
  }

  private static MemoryFrozen memoryFrozen(Long pauseMicros) {
    return new MemoryFrozen(PLAN, "base", T0, pauseMicros, List.of("ram"), 1L << 20, T0.plusSeconds(30));
  }

  private static MemoryUnfrozen memoryUnfrozen(long frozenMillis) {
    return new MemoryUnfrozen(PLAN, "base", List.of(), 3, frozenMillis);
  }

  /** An event of each type the saga table names, as the step that emits it would send it. */
  private static CloneEvent sample(Class<? extends CloneEvent> type) {
    Map<Class<? extends CloneEvent>, CloneEvent> samples =
        Map.of(
            CloneRequested.class, new CloneRequested(PLAN, "alice"),
            StorageFrozen.class, new StorageFrozen(PLAN, "base", "ptr", T0, T0.plusSeconds(30)),
            MemoryFrozen.class, memoryFrozen(850L),
            StateCopied.class, new StateCopied(PLAN, "base", List.of(), 5),
            MemoryUnfrozen.class, memoryUnfrozen(42),
            StorageUnfrozen.class, new StorageUnfrozen(PLAN, List.of(), List.of(), "ptr"),
            CloneConfigured.class, new CloneConfigured(PLAN, List.of(CLONE_A, CLONE_B)),
            CloneCompleted.class, new CloneCompleted(PLAN, List.of(), Map.of(), 1, null, 1));
    return samples.get(type);
  }

  /** Every event of the saga path and a failure, for "nothing moves it" checks. */
  private static List<CloneEvent> everyEvent() {
    List<CloneEvent> all = new ArrayList<>();
    SagaTable.path().forEach(step -> all.add(sample(step.emits())));
    all.add(new CloneFailed(PLAN, "copy-state", "boom"));
    return all;
  }

  /** Applies the events of the path up to and including the one that reaches {@code phase}. */
  private static CloneOperation walkedTo(Phase phase) {
    CloneOperation op = requested();
    long t = 0;
    for (SagaStep step : SagaTable.path()) {
      if (step == SagaStep.REQUEST) {
        continue;
      }
      t += 10;
      op = op.apply(event(sample(step.emits()), T0.plusMillis(t)), T0.plusMillis(t + 1)).after();
      if (op.phase() == phase || op.isTerminal()) {
        break;
      }
    }
    assertThat(op.phase()).as("walked to").isEqualTo(phase);
    return op;
  }

  @Test
  void a_new_operation_is_requested_and_carries_its_plan() {
    CloneOperation op = requested();
    assertThat(op.phase()).isEqualTo(Phase.REQUESTED);
    assertThat(op.progress().reachedAt()).containsEntry(Phase.REQUESTED, T0);
    assertThat(op.plan()).isEqualTo(new ClonePlan("vm-1", "host-a", "host-b", 2, List.of("a", "b"), 30_000));
    assertThat(op.totalMillis()).isNull();
    assertThat(op.outcome()).isEqualTo(Outcome.OPEN);
  }

  @Test
  void the_plan_is_kept_without_its_identity_policy_as_the_table_keeps_it() {
    // given a request that asked for an identity policy (carried only by CloneRequested)
    ClonePlan withPolicy = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of(), 30_000, "isolate");
    // when the operation is made
    CloneOperation op = CloneOperation.requested(ID, null, new Requester("alice", "t1", null), withPolicy, null, T0);
    // then it equals the operation read back from its columns, which have no policy
    assertThat(op.plan().identityPolicy()).isNull();
  }

  @Test
  void the_whole_path_event_by_event_reaches_each_phase_at_its_event_time_and_completes_once() {
    // given
    CloneOperation op = requested();
    List<EventEnvelope> path =
        List.of(
            event(sample(StorageFrozen.class), T0.plusMillis(10)),
            event(memoryFrozen(850L), T0.plusMillis(25)),
            event(sample(StateCopied.class), T0.plusMillis(125)),
            event(memoryUnfrozen(42), T0.plusMillis(130)),
            event(sample(StorageUnfrozen.class), T0.plusMillis(140)),
            event(sample(CloneConfigured.class), T0.plusMillis(200)));
    List<Phase> phases = new ArrayList<>();
    Change last = null;
    // when
    for (EventEnvelope e : path) {
      last = op.apply(e, e.occurredAt().plusMillis(1));
      assertThat(last.altered()).as(e.type()).isTrue();
      if (e != path.get(path.size() - 1)) {
        assertThat(last.transition().actions()).as(e.type()).isEmpty();
        assertThat(last.ended()).as(e.type()).isFalse();
        assertThat(last.after().progress().reachedAt()).as(e.type()).containsEntry(last.after().phase(), e.occurredAt());
        assertThat(last.after().progress().updatedAt()).as(e.type()).isEqualTo(e.occurredAt().plusMillis(1));
      }
      op = last.after();
      phases.add(op.phase());
    }
    // then
    assertThat(phases)
        .containsExactly(
            Phase.STORAGE_FROZEN, Phase.MEMORY_FROZEN, Phase.STATE_COPIED, Phase.MEMORY_UNFROZEN,
            Phase.STORAGE_UNFROZEN, Phase.COMPLETED);
    assertThat(last.transition().actions())
        .containsExactlyInAnyOrder(Action.RECORD_CLONES, Action.EMIT_CLONE_COMPLETED, Action.PUBLISH_COMPLETED);
    assertThat(last.ended()).isTrue();
    assertThat(op.progress().reachedAt())
        .containsEntry(Phase.CONFIGURED, T0.plusMillis(200))
        .containsEntry(Phase.COMPLETED, T0.plusMillis(201));
    assertThat(op.outcome()).isEqualTo(new Outcome(T0.plusMillis(201), List.of(CLONE_A, CLONE_B), null));
    assertThat(op.totalMillis()).isEqualTo(201L);
    assertThat(op.progress().sourcePauseMicros()).isEqualTo(850L);
    assertThat(op.progress().freezeMillis()).isEqualTo(42L);
    assertThat(op.progress().stepMillis())
        .containsExactly(
            Map.entry("freeze-storage", 10L),
            Map.entry("freeze-memory", 15L),
            Map.entry("copy-state", 100L),
            Map.entry("unfreeze-memory", 5L),
            Map.entry("unfreeze-storage", 10L),
            Map.entry("configure-clone", 60L));
  }

  @Test
  void step_timings_are_keyed_by_the_saga_tables_wire_names_in_its_order() {
    // given a completed operation
    CloneOperation done = walkedTo(Phase.COMPLETED);
    // then every step between the request and the completion has a timing under its wire name
    List<String> steps =
        SagaTable.path().stream()
            .filter(s -> s != SagaStep.REQUEST && s != SagaStep.COMPLETE)
            .map(SagaStep::wireName)
            .toList();
    assertThat(new ArrayList<>(done.progress().stepMillis().keySet())).isEqualTo(steps);
  }

  @ParameterizedTest
  @EnumSource(
      value = SagaStep.class,
      names = {"FREEZE_STORAGE", "FREEZE_MEMORY", "COPY_STATE", "UNFREEZE_MEMORY", "UNFREEZE_STORAGE"})
  void the_event_a_step_emits_moves_a_requested_operation_to_the_phase_of_that_step(SagaStep step) {
    // given a requested operation
    CloneOperation op = requested();
    // when the step's event arrives (possibly ahead of its predecessors)
    Change change = op.apply(event(sample(step.emits()), T0.plusMillis(7)), T0.plusMillis(9));
    // then
    assertThat(change.after().phase()).isEqualTo(Phase.reachedBy(step));
    assertThat(change.after().progress().reachedAt()).containsEntry(Phase.reachedBy(step), T0.plusMillis(7));
    assertThat(change.after().progress().updatedAt()).isEqualTo(T0.plusMillis(9));
    assertThat(change.transition().actions()).isEmpty();
    assertThat(change.after().outcome()).isEqualTo(Outcome.OPEN);
  }

  @Test
  void a_duplicate_event_changes_nothing_and_the_first_instant_of_a_phase_wins() {
    // given memory frozen at +20
    CloneOperation op = requested().apply(event(memoryFrozen(850L), T0.plusMillis(20)), T0.plusMillis(21)).after();
    // when MemoryFrozen arrives again (another delivery, a later stamp)
    Change again = op.apply(event(memoryFrozen(850L), T0.plusMillis(99)), T0.plusMillis(100));
    // then
    assertThat(again.altered()).isFalse();
    assertThat(again.transition().changed()).isFalse();
    assertThat(again.transition().actions()).isEmpty();
    assertThat(again.after().progress().reachedAt()).containsEntry(Phase.MEMORY_FROZEN, T0.plusMillis(20));
    assertThat(again.after().progress().updatedAt()).isEqualTo(T0.plusMillis(21));
  }

  @Test
  void a_late_earlier_event_fills_in_its_phase_time_but_never_moves_the_phase_backwards() {
    // given the state was copied before StorageFrozen was seen
    CloneOperation op = requested()
        .apply(event(memoryFrozen(850L), T0.plusMillis(20)), T0.plusMillis(21)).after()
        .apply(event(sample(StateCopied.class), T0.plusMillis(60)), T0.plusMillis(61)).after();
    // when StorageFrozen arrives late
    Change late = op.apply(event(sample(StorageFrozen.class), T0.plusMillis(10)), T0.plusMillis(70));
    // then the phase stays, its time is known now, and the step timings use it
    assertThat(late.after().phase()).isEqualTo(Phase.STATE_COPIED);
    assertThat(late.transition().changed()).isFalse();
    assertThat(late.after().progress().updatedAt()).isEqualTo(T0.plusMillis(61));
    assertThat(late.after().progress().reachedAt()).containsEntry(Phase.STORAGE_FROZEN, T0.plusMillis(10));
    assertThat(late.after().progress().stepMillis())
        .containsExactly(
            Map.entry("freeze-storage", 10L), Map.entry("freeze-memory", 10L), Map.entry("copy-state", 40L));
  }

  @Test
  void clone_api_own_events_mark_no_phase() {
    // given storage unfrozen
    CloneOperation op = walkedTo(Phase.STORAGE_UNFROZEN);
    // when its own CloneRequested and CloneCompleted come back from the topic
    Change requestedAgain = op.apply(event(sample(CloneRequested.class), T0.plusMillis(500)), T0.plusMillis(501));
    Change completedEcho = op.apply(event(sample(CloneCompleted.class), T0.plusMillis(500)), T0.plusMillis(501));
    // then nothing changes
    assertThat(requestedAgain.altered()).isFalse();
    assertThat(completedEcho.altered()).isFalse();
    assertThat(completedEcho.after().phase()).isEqualTo(Phase.STORAGE_UNFROZEN);
  }

  @ParameterizedTest
  @EnumSource(value = Phase.class, names = {"COMPLETED", "FAILED"})
  void a_terminal_operation_is_final_whatever_arrives(Phase terminal) {
    // given an operation that ended
    CloneOperation ended =
        terminal == Phase.COMPLETED
            ? walkedTo(Phase.COMPLETED)
            : walkedTo(Phase.MEMORY_FROZEN)
                .apply(event(new CloneFailed(PLAN, "copy-state", "target disk full"), T0.plusMillis(50)), T0.plusMillis(51))
                .after();
    assertThat(ended.phase()).isEqualTo(terminal);
    for (CloneEvent payload : everyEvent()) {
      // when any event arrives late, with other figures
      Change late = ended.apply(event(payload, T0.plusSeconds(5)), T0.plusSeconds(6));
      // then nothing changes and nothing is asked for
      assertThat(late.after()).as(payload.getClass().getSimpleName()).isEqualTo(ended);
      assertThat(late.altered()).as(payload.getClass().getSimpleName()).isFalse();
      assertThat(late.ended()).as(payload.getClass().getSimpleName()).isFalse();
      assertThat(late.transition().actions()).as(payload.getClass().getSimpleName()).isEmpty();
    }
    assertThat(ended.apply(event(memoryFrozen(1L), T0.plusSeconds(5)), T0.plusSeconds(6)).after().progress())
        .isEqualTo(ended.progress());
    assertThat(ended.timeOut(T0.plusSeconds(60)).after()).isEqualTo(ended);
    assertThat(ended.timeOut(T0.plusSeconds(60)).transition().actions()).isEmpty();
  }

  @Test
  void a_clone_failed_fails_an_open_operation_with_its_step_and_reason() {
    // given memory frozen
    CloneOperation op = walkedTo(Phase.MEMORY_FROZEN);
    // when transfer-service reports its step failed
    Change failed = op.apply(event(new CloneFailed(PLAN, "copy-state", "target disk full"), T0.plusMillis(50)), T0.plusMillis(51));
    // then
    assertThat(failed.after().phase()).isEqualTo(Phase.FAILED);
    assertThat(failed.after().outcome()).isEqualTo(new Outcome(null, List.of(), new Failure("copy-state", "target disk full")));
    assertThat(failed.transition().actions()).containsExactly(Action.PUBLISH_FAILED);
    assertThat(failed.ended()).isTrue();
    assertThat(failed.after().progress().reachedAt()).containsEntry(Phase.FAILED, T0.plusMillis(51));
    assertThat(failed.after().progress().updatedAt()).isEqualTo(T0.plusMillis(51));
    assertThat(failed.after().totalMillis()).isNull();
  }

  @Test
  void a_timeout_fails_in_the_step_under_way_by_its_wire_name_and_tells_the_others_to_release() {
    // given storage unfrozen: config-service's configure-clone is under way
    CloneOperation op = walkedTo(Phase.STORAGE_UNFROZEN);
    // when the watchdog times it out
    Change timedOut = op.timeOut(T0.plusSeconds(60));
    // then
    assertThat(timedOut.after().phase()).isEqualTo(Phase.FAILED);
    assertThat(timedOut.after().outcome().failure())
        .isEqualTo(new Failure("configure-clone", "timed out in phase STORAGE_UNFROZEN"));
    assertThat(timedOut.transition().actions()).containsExactlyInAnyOrder(Action.EMIT_CLONE_FAILED, Action.PUBLISH_FAILED);
    assertThat(timedOut.ended()).isTrue();
    assertThat(timedOut.after().outcome().completedAt()).isNull();
  }

  @Test
  void failing_records_step_and_reason_and_an_unchanged_transition_is_a_no_op() {
    CloneOperation failed = requested().timeOut(T0.plusSeconds(60)).after();
    assertThat(failed.phase()).isEqualTo(Phase.FAILED);
    assertThat(failed.outcome().failure()).isEqualTo(new Failure("freeze-storage", "timed out in phase REQUESTED"));
    assertThat(failed.outcome().completedAt()).isNull();
    assertThat(failed.timeOut(T0.plusSeconds(61)).after()).isEqualTo(failed);
    assertThat(failed.timeOut(T0.plusSeconds(61)).altered()).isFalse();
  }

  @Test
  void completing_stamps_completion_and_total_time() {
    // given storage unfrozen
    CloneOperation op = walkedTo(Phase.STORAGE_UNFROZEN);
    // when CloneConfigured arrives
    CloneOperation done = op.apply(event(sample(CloneConfigured.class), T0.plusMillis(80)), T0.plusMillis(90)).after();
    // then
    assertThat(done.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(done.outcome().completedAt()).isEqualTo(T0.plusMillis(90));
    assertThat(done.totalMillis()).isEqualTo(90L);
    assertThat(done.progress().updatedAt()).isEqualTo(T0.plusMillis(90));
  }

  @Test
  void a_pause_the_hypervisor_could_not_measure_stays_unknown() {
    assertThat(pauseAfter(null)).isNull();
    assertThat(pauseAfter(-1L)).as("negative is not a pause").isNull();
    assertThat(pauseAfter(MemoryFrozen.pauseMicrosOf(-1))).isNull();
    assertThat(pauseAfter(0L)).isZero();
    assertThat(pauseAfter(850L)).isEqualTo(850L);
  }

  private static Long pauseAfter(Long micros) {
    return requested().apply(event(memoryFrozen(micros), T0.plusMillis(5)), T0.plusMillis(6)).after().progress().sourcePauseMicros();
  }

  @Test
  void the_freeze_time_comes_from_memory_unfrozen() {
    CloneOperation op = walkedTo(Phase.STATE_COPIED);
    assertThat(op.progress().freezeMillis()).isNull();
    assertThat(op.apply(event(memoryUnfrozen(77), T0.plusMillis(60)), T0.plusMillis(61)).after().progress().freezeMillis())
        .isEqualTo(77L);
  }
}
