package io.hotclone.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.StorageFrozen;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SagaHandlersTest {

  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of(), 30_000);
  private final List<String> handled = new ArrayList<>();

  private SagaHandlers.Builder storage() {
    return SagaHandlers.of(SagaService.STORAGE)
        .on(SagaStep.FREEZE_STORAGE, CloneRequested.class, (e, p) -> handled.add("freeze " + p.plan().sourceVm()))
        .on(SagaStep.UNFREEZE_STORAGE, MemoryUnfrozen.class, (e, p) -> handled.add("unfreeze"))
        .onCloneFailed((e, f) -> handled.add("compensate " + f.step()));
  }

  private static EventEnvelope envelope(io.hotclone.events.CloneEvent payload) {
    return EventEnvelope.of(UUID.randomUUID(), payload, Instant.EPOCH);
  }

  @Test
  void events_are_dispatched_by_the_row_they_start_and_clone_failed_to_the_compensation() {
    SagaHandlers handlers = storage().build();

    handlers.on(envelope(new CloneRequested(PLAN, "req")));
    handlers.on(envelope(new MemoryUnfrozen(PLAN, "base", List.of(), 0, 0)));
    handlers.on(envelope(new CloneFailed(PLAN, "copy-state", "x")));
    handlers.on(envelope(new StorageFrozen(PLAN, "b", "p", Instant.EPOCH, Instant.EPOCH, List.of()))); // memory's row

    assertThat(handled).containsExactly("freeze vm-1", "unfreeze", "compensate copy-state");
    assertThat(handlers.steps()).isEqualTo(SagaTable.rowsOf(SagaService.STORAGE));
  }

  @Test
  void a_row_without_handler_fails_the_build() {
    SagaHandlers.Builder b = SagaHandlers.of(SagaService.STORAGE)
        .on(SagaStep.FREEZE_STORAGE, CloneRequested.class, (e, p) -> {})
        .onCloneFailed((e, f) -> {});
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("unfreeze-storage");
  }

  @Test
  void a_handler_for_another_services_row_or_of_the_wrong_type_is_refused() {
    assertThatThrownBy(() -> storage().on(SagaStep.FREEZE_MEMORY, StorageFrozen.class, (e, p) -> {}))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SagaHandlers.of(SagaService.STORAGE).on(SagaStep.FREEZE_STORAGE, MemoryUnfrozen.class, (e, p) -> {}))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> storage().on(SagaStep.FREEZE_STORAGE, CloneRequested.class, (e, p) -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void a_service_that_holds_something_must_compensate() {
    SagaHandlers.Builder b = SagaHandlers.of(SagaService.STORAGE)
        .on(SagaStep.FREEZE_STORAGE, CloneRequested.class, (e, p) -> {})
        .on(SagaStep.UNFREEZE_STORAGE, MemoryUnfrozen.class, (e, p) -> {});
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("does not compensate");
  }
}
