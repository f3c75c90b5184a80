package io.hotclone.memory.messaging;

import static io.hotclone.support.messaging.EmbeddedSaga.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.StateCopied;
import io.hotclone.events.StorageFrozen;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.MemoryThaw;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.memory.persistence.MemoryFreezes;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.lease.InMemoryLeaseStore;
import io.hotclone.support.lease.LeaseState;
import io.hotclone.support.messaging.EmbeddedSaga;
import io.hotclone.support.messaging.FakeSagaLog;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.support.messaging.StepOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory's steps on the embedded hypervisor, with the inbox, outbox, leases and freezes in memory. */
class MemoryStepsTest {

  @TempDir Path dir;
  private EmbeddedSaga saga;
  private EmbeddedHypervisor hv;
  private FakeSagaLog log;
  private final InMemoryLeaseStore leases = new InMemoryLeaseStore();
  private final Map<UUID, MemoryFreeze> freezes = new HashMap<>();
  private MemorySteps memory;
  private VmId vm;
  private ClonePlan plan;
  private final UUID clone = UUID.randomUUID();

  @BeforeEach
  void start() {
    saga = new EmbeddedSaga(dir);
    hv = saga.hv();
    log = saga.log();
    vm = saga.vm();
    plan = saga.plan(1);
    SagaSteps steps = saga.steps();
    MemoryFreezes records = new MemoryFreezes() {
      @Override
      public void recordFreeze(UUID cloneId, MemoryFreeze frozen) {
        freezes.putIfAbsent(cloneId, frozen);
      }

      @Override
      public long recordThaw(UUID cloneId, MemoryThaw thaw) {
        return Duration.between(freezes.get(cloneId).cutAt(), thaw.thawedAt()).toMillis();
      }
    };
    memory = new MemorySteps(hv, steps, MemorySteps.freezeLease(leases, steps, hv), records, HaltPoints.none());
  }

  @AfterEach
  void close() {
    saga.close();
  }

  private boolean memoryFrozen() {
    return saga.memoryFrozen();
  }

  /** What storage-service does first: the storage freeze, and its event. */
  private EventEnvelope storageFrozen() {
    var f = hv.freezeStorage(StepOperation.FREEZE_STORAGE.id(clone), vm, Duration.ofSeconds(30));
    return EventEnvelope.of(clone, new StorageFrozen(plan, f.baseRef(), f.sourcePointer(), f.frozenAt(), f.leaseUntil(), List.of()), NOW);
  }

  private EventEnvelope stateCopied() {
    return EventEnvelope.of(clone, new StateCopied(plan, "base", saga.copies(clone, 1), 5), NOW);
  }

  @Test
  void its_handlers_cover_exactly_memorys_rows_of_the_saga_table_and_compensate() {
    assertThat(memory.handlers().steps())
        .isEqualTo(SagaTable.rowsOf(SagaService.MEMORY))
        .containsExactlyInAnyOrder(SagaStep.FREEZE_MEMORY, SagaStep.UNFREEZE_MEMORY);
    assertThat(memory.handlers().compensates()).isTrue();
  }

  @Test
  void storage_frozen_registers_the_lease_freezes_and_emits_memory_frozen_with_the_freezes_values() {
    memory.on(storageFrozen());

    MemoryFreeze freeze = hv.freezeMemory(StepOperation.FREEZE_MEMORY.id(clone), vm, Duration.ofSeconds(30)); // the first result
    assertThat(log.onlyEvent()).isEqualTo(new MemoryFrozen(
        plan, freeze.baseRef(), freeze.cutAt(), MemoryFrozen.pauseMicrosOf(freeze.pauseNanos()), freeze.tierOrder(),
        freeze.memoryBytes(), freeze.leaseUntil()));
    assertThat(memoryFrozen()).isTrue();
    assertThat(leases.state(clone)).isEqualTo(LeaseState.FROZEN);
    assertThat(freezes.get(clone).cutAt()).isEqualTo(freeze.cutAt());
  }

  @Test
  void a_failed_freeze_thaws_releases_the_lease_and_emits_clone_failed_with_step_and_reason() {
    EventEnvelope event = storageFrozen();
    hv.failNextOperation(clone, "freeze-memory", "no room");

    memory.on(event);

    assertThat(log.onlyEvent()).isEqualTo(new CloneFailed(plan, "freeze-memory", "driver-failure: no room"));
    assertThat(memoryFrozen()).isFalse();
    assertThat(leases.state(clone)).isEqualTo(LeaseState.RELEASED);
    assertThat(leases.reason(clone)).isEqualTo("driver-failure: no room");
  }

  @Test
  void a_repeated_storage_frozen_does_nothing() {
    EventEnvelope event = storageFrozen();
    log.processed(event);

    memory.on(event);

    assertThat(log.events()).isEmpty();
    assertThat(memoryFrozen()).isFalse();
    assertThat(leases.find(clone)).isEmpty();
  }

  @Test
  void state_copied_merges_back_ends_the_lease_thawed_and_emits_memory_unfrozen() {
    memory.on(storageFrozen());
    EventEnvelope copied = stateCopied();

    memory.on(copied);

    MemoryThaw thaw = hv.unfreezeMemory(StepOperation.UNFREEZE_MEMORY.id(clone), vm); // the first result
    MemoryUnfrozen unfrozen = log.events(MemoryUnfrozen.class).get(0);
    assertThat(unfrozen).isEqualTo(new MemoryUnfrozen(
        plan, "base", ((StateCopied) copied.payload()).images(), thaw.mergedPages(),
        Duration.between(freezes.get(clone).cutAt(), thaw.thawedAt()).toMillis()));
    assertThat(memoryFrozen()).isFalse();
    assertThat(leases.state(clone)).isEqualTo(LeaseState.THAWED);
  }

  @Test
  void clone_failed_thaws_a_held_freeze_and_releases_the_lease() {
    memory.on(storageFrozen());

    memory.on(EventEnvelope.of(clone, new CloneFailed(plan, "copy-state", "link down"), NOW));

    assertThat(memoryFrozen()).isFalse();
    assertThat(leases.state(clone)).isEqualTo(LeaseState.RELEASED);
    assertThat(leases.reason(clone)).isEqualTo("clone failed");
    assertThat(log.events()).hasSize(1);
  }
}
