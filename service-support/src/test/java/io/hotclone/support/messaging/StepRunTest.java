package io.hotclone.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.StorageFrozen;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StepRunTest {

  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of(), 30_000);
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final StorageFrozen NEXT =
      new StorageFrozen(PLAN, "base-1", "ptr-1", NOW, NOW.plusSeconds(30), List.of());

  private final FakeSagaLog log = new FakeSagaLog();
  private final SagaSteps steps = log.steps(Clock.fixed(NOW, ZoneOffset.UTC));
  private final EventEnvelope event = EventEnvelope.of(UUID.randomUUID(), new CloneRequested(PLAN, "req"), NOW);

  @Test
  void a_repeat_the_inbox_has_seen_records_runs_and_emits_nothing() {
    // given
    log.processed(event);
    // when
    StepRun.Outcome outcome = steps.on(event, SagaStep.FREEZE_STORAGE)
        .undo(() -> log.note("record"), () -> log.note("compensate"))
        .run(() -> {
          log.note("effect");
          return "done";
        })
        .emit(r -> NEXT);
    // then
    assertThat(outcome).isEqualTo(StepRun.Outcome.REPEAT);
    assertThat(log.journal()).isEmpty();
    assertThat(log.events()).isEmpty();
  }

  @Test
  void the_undo_record_commits_in_its_own_transaction_before_the_effect_runs_outside_any() {
    // when
    steps.on(event, SagaStep.FREEZE_STORAGE)
        .undo(() -> log.note("record in tx " + log.inTransaction()), () -> log.note("compensate"))
        .run(() -> {
          log.note("effect in tx " + log.inTransaction());
          return "done";
        })
        .emit(r -> {
          log.note("emit " + r);
          return NEXT;
        });
    // then
    assertThat(log.journal())
        .containsExactly("record in tx true", "commit", "effect in tx false", "emit done", "commit");
  }

  @Test
  void success_claims_the_event_and_emits_what_the_step_returns() {
    StepRun.Outcome outcome = steps.on(event, SagaStep.FREEZE_STORAGE)
        .noUndo()
        .run(() -> "done")
        .emit(r -> NEXT);

    assertThat(outcome).isEqualTo(StepRun.Outcome.SUCCEEDED);
    assertThat(log.onlyEvent()).isEqualTo(NEXT);
    assertThat(log.claimed(event)).isTrue();
  }

  @Test
  void a_null_emit_claims_the_event_and_emits_nothing() {
    StepRun.Outcome outcome = steps.on(event, SagaStep.FREEZE_STORAGE).noUndo().run(() -> "done").emit(r -> null);

    assertThat(outcome).isEqualTo(StepRun.Outcome.SUCCEEDED);
    assertThat(log.events()).isEmpty();
    assertThat(log.claimed(event)).isTrue();
  }

  @Test
  void a_hypervisor_failure_compensates_books_the_reason_and_emits_clone_failed_with_step_and_reason() {
    // when
    StepRun.Outcome outcome = steps.on(event, SagaStep.FREEZE_STORAGE)
        .undo(() -> log.note("record"), () -> log.note("compensate"))
        .run(() -> {
          throw new HypervisorException.VmNotFound(new VmId("vm-1"));
        })
        .onFailure(reason -> log.note("bookkeeping " + reason))
        .emit(r -> NEXT);
    // then
    assertThat(outcome).isEqualTo(StepRun.Outcome.FAILED);
    assertThat(log.journal())
        .containsExactly("record", "commit", "compensate", "bookkeeping vm-not-found: VM not found: vm-1", "commit");
    assertThat(log.onlyEvent()).isEqualTo(new CloneFailed(PLAN, "freeze-storage", "vm-not-found: VM not found: vm-1"));
    assertThat(log.claimed(event)).isTrue();
  }

  @Test
  void a_step_failure_fails_the_step_with_its_reason_even_when_the_compensation_throws() {
    steps.on(event, SagaStep.CONFIGURE_CLONE)
        .undo(() -> {
          throw new IllegalStateException("compensation broke");
        })
        .run(() -> {
          throw new StepFailure.MissingInput("no copied image for clone 1");
        })
        .emit(r -> NEXT);

    assertThat(log.onlyEvent())
        .isEqualTo(new CloneFailed(PLAN, "configure-clone", "missing-input: no copied image for clone 1"));
  }

  @Test
  void any_other_exception_is_infrastructure_trouble_it_propagates_and_nothing_commits_after_the_record() {
    assertThatThrownBy(() -> steps.on(event, SagaStep.FREEZE_STORAGE)
            .undo(() -> log.note("record"), () -> log.note("compensate"))
            .run(() -> {
              throw new IllegalStateException("database down");
            })
            .emit(r -> NEXT))
        .isInstanceOf(IllegalStateException.class);

    assertThat(log.journal()).containsExactly("record", "commit");
    assertThat(log.events()).isEmpty();
    assertThat(log.claimed(event)).isFalse();
  }

  @Test
  void a_record_that_defers_stops_the_step_without_claiming_the_event() {
    StepRun.Outcome outcome = steps.on(event, SagaStep.FREEZE_STORAGE)
        .undoOrDefer(() -> false, () -> log.note("compensate"))
        .run(() -> {
          log.note("effect");
          return "done";
        })
        .emit(r -> NEXT);

    assertThat(outcome).isEqualTo(StepRun.Outcome.DEFERRED);
    assertThat(log.journal()).containsExactly("commit");
    assertThat(log.claimed(event)).isFalse();
  }
}
