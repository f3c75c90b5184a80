package io.hotclone.storage.messaging;

import static io.hotclone.support.messaging.EmbeddedSaga.B;
import static io.hotclone.support.messaging.EmbeddedSaga.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ClonePointer;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.CopiedImage;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.StorageFrozen;
import io.hotclone.events.StorageUnfrozen;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.storage.persistence.StoragePointers;
import io.hotclone.support.lease.InMemoryLeaseStore;
import io.hotclone.support.lease.LeaseState;
import io.hotclone.support.messaging.EmbeddedSaga;
import io.hotclone.support.messaging.FakeSagaLog;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.support.messaging.StepOperation;
import io.hotclone.support.tracing.TraceContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage's steps on the embedded hypervisor, with the inbox, outbox, leases and queue in memory. */
class StorageStepsTest {

  @TempDir Path dir;
  private EmbeddedSaga saga;
  private EmbeddedHypervisor hv;
  private FakeSagaLog log;
  private final InMemoryLeaseStore leases = new InMemoryLeaseStore();
  private final InMemoryFreezeQueue queue = new InMemoryFreezeQueue(leases);
  private final List<String> recorded = new ArrayList<>();
  private StorageSteps storage;
  private VmId vm;
  private ClonePlan plan;

  private void start() {
    saga = new EmbeddedSaga(dir);
    hv = saga.hv();
    log = saga.log();
    vm = saga.vm();
    plan = saga.plan(2);
    SagaSteps steps = saga.steps();
    StoragePointers pointers = new StoragePointers() {
      @Override
      public void recordFreeze(UUID cloneId, String host, StorageFreeze freeze) {
        recorded.add("freeze " + cloneId + " " + host + " " + freeze.baseRef());
      }

      @Override
      public void recordClonePointer(UUID cloneId, String sourceVm, ClonePointer pointer, String host) {
        recorded.add("pointer " + pointer.index() + " " + pointer.pointerId() + " " + host);
      }
    };
    storage = new StorageSteps(hv, steps, StorageSteps.freezeLease(leases, steps, hv), pointers, queue, new EventCodec(), TraceContexts.none());
  }

  @AfterEach
  void close() {
    if (saga != null) {
      saga.close();
    }
  }

  private EventEnvelope requested(UUID cloneId) {
    return EventEnvelope.of(cloneId, new CloneRequested(plan, "req-" + cloneId), NOW);
  }

  /** What memory-service and transfer-service do between the freeze and the unfreeze, on the hypervisor. */
  private EventEnvelope memoryUnfrozen(UUID cloneId) {
    saga.freezeMemory(cloneId);
    saga.copies(cloneId, 2);
    hv.unfreezeMemory(StepOperation.UNFREEZE_MEMORY.id(cloneId), vm);
    List<CopiedImage> images = List.of(new CopiedImage(0, "img-0", 1, 1, 0, "c0"), new CopiedImage(1, "img-1", 1, 1, 0, "c1"));
    return EventEnvelope.of(cloneId, new MemoryUnfrozen(plan, "base", images, 3, 40), NOW);
  }

  private <E> List<E> eventsOf(UUID cloneId, Class<E> type) {
    return log.published().stream().filter(e -> e.cloneId().equals(cloneId)).map(EventEnvelope::payload)
        .filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void its_handlers_cover_exactly_storages_rows_of_the_saga_table_and_compensate() {
    start();
    assertThat(storage.handlers().steps())
        .isEqualTo(SagaTable.rowsOf(SagaService.STORAGE))
        .containsExactlyInAnyOrder(SagaStep.FREEZE_STORAGE, SagaStep.UNFREEZE_STORAGE);
    assertThat(storage.handlers().compensates()).isTrue();
  }

  @Test
  void clone_requested_registers_the_lease_freezes_and_emits_storage_frozen_with_the_freezes_values() {
    start();
    UUID clone = UUID.randomUUID();

    storage.on(requested(clone));

    StorageFreeze freeze = hv.freezeStorage(StepOperation.FREEZE_STORAGE.id(clone), vm, Duration.ofSeconds(30)); // same id: the first result
    StorageFrozen frozen = (StorageFrozen) log.onlyEvent();
    assertThat(frozen.plan()).isEqualTo(plan);
    assertThat(frozen.baseRef()).isEqualTo(freeze.baseRef());
    assertThat(frozen.sourcePointer()).isEqualTo(freeze.sourcePointer());
    assertThat(frozen.frozenAt()).isEqualTo(freeze.frozenAt());
    assertThat(frozen.leaseUntil()).isEqualTo(freeze.leaseUntil());
    assertThat(frozen.disks()).extracting(StorageFrozen.FrozenDisk::baseRef)
        .containsExactlyElementsOf(freeze.disks().stream().map(StorageFreeze.Disk::baseRef).toList());
    assertThat(hv.isStorageFrozen(vm)).isTrue();
    assertThat(leases.state(clone)).isEqualTo(LeaseState.FROZEN);
    assertThat(leases.find(clone).orElseThrow().leaseUntil()).isEqualTo(NOW.plusMillis(30_000));
    assertThat(recorded).containsExactly("freeze " + clone + " host-a " + freeze.baseRef());
  }

  @Test
  void a_failed_freeze_thaws_releases_the_lease_and_emits_clone_failed_with_step_and_reason() {
    start();
    UUID clone = UUID.randomUUID();
    hv.failNextOperation(clone, "freeze-storage", "disk busy");

    storage.on(requested(clone));

    assertThat(log.onlyEvent()).isEqualTo(new CloneFailed(plan, "freeze-storage", "driver-failure: disk busy"));
    assertThat(hv.isStorageFrozen(vm)).isFalse();
    assertThat(leases.state(clone)).isEqualTo(LeaseState.RELEASED);
    assertThat(leases.reason(clone)).isEqualTo("driver-failure: disk busy");
  }

  @Test
  void a_repeated_clone_requested_does_nothing() {
    start();
    EventEnvelope event = requested(UUID.randomUUID());
    log.processed(event);

    storage.on(event);

    assertThat(log.events()).isEmpty();
    assertThat(hv.isStorageFrozen(vm)).isFalse();
    assertThat(leases.find(event.cloneId())).isEmpty();
  }

  @Test
  void memory_unfrozen_thaws_makes_one_pointer_per_clone_and_emits_storage_unfrozen() {
    start();
    UUID clone = UUID.randomUUID();
    storage.on(requested(clone));

    EventEnvelope in = memoryUnfrozen(clone);
    storage.on(in);

    assertThat(log.events()).hasSize(2);
    StorageUnfrozen unfrozen = eventsOf(clone, StorageUnfrozen.class).get(0);
    StoragePointer p1 = hv.createClonePointer(StepOperation.CLONE_POINTER.id(clone, 1), vm, B); // same id: the first result
    assertThat(unfrozen.plan()).isEqualTo(plan);
    assertThat(unfrozen.images()).isEqualTo(((MemoryUnfrozen) in.payload()).images());
    assertThat(unfrozen.pointers()).extracting(ClonePointer::index).containsExactly(0, 1);
    assertThat(unfrozen.pointers().get(1).pointerId()).isEqualTo(p1.id());
    assertThat(unfrozen.sourcePointer()).isEqualTo(hv.requireVm(vm).storagePointer());
    assertThat(hv.isStorageFrozen(vm)).isFalse();
    assertThat(leases.state(clone)).isEqualTo(LeaseState.THAWED);
    assertThat(recorded).hasSize(3).last().isEqualTo("pointer 1 " + p1.id() + " host-b");
  }

  @Test
  void clone_failed_thaws_a_held_freeze_and_releases_the_lease() {
    start();
    UUID clone = UUID.randomUUID();
    storage.on(requested(clone));

    storage.on(EventEnvelope.of(clone, new CloneFailed(plan, "copy-state", "link down"), NOW));

    assertThat(hv.isStorageFrozen(vm)).isFalse();
    assertThat(leases.state(clone)).isEqualTo(LeaseState.RELEASED);
    assertThat(leases.reason(clone)).isEqualTo("clone failed");
    assertThat(log.events()).hasSize(1); // only the first StorageFrozen
  }

  @Test
  void a_second_clone_of_a_frozen_vm_is_queued_and_starts_when_the_first_is_unfrozen() {
    start();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    storage.on(requested(first));

    storage.on(requested(second));

    assertThat(eventsOf(second, StorageFrozen.class)).isEmpty();
    assertThat(queue.queued(second)).isTrue();
    assertThat(leases.find(second)).isEmpty();

    storage.on(memoryUnfrozen(first));

    assertThat(eventsOf(first, StorageUnfrozen.class)).hasSize(1);
    assertThat(eventsOf(second, StorageFrozen.class)).hasSize(1);
    assertThat(queue.queued(second)).isFalse();
    assertThat(leases.state(second)).isEqualTo(LeaseState.FROZEN);
    assertThat(hv.isStorageFrozen(vm)).isTrue();
  }

  @Test
  void a_queued_clone_starts_when_the_first_clone_fails() {
    start();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    storage.on(requested(first));
    storage.on(requested(second));

    storage.on(EventEnvelope.of(first, new CloneFailed(plan, "freeze-memory", "x"), NOW));

    assertThat(eventsOf(second, StorageFrozen.class)).hasSize(1);
    assertThat(leases.state(first)).isEqualTo(LeaseState.RELEASED);
    assertThat(leases.state(second)).isEqualTo(LeaseState.FROZEN);
  }

  @Test
  void a_queued_clone_that_fails_is_dropped_from_the_queue() {
    start();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    storage.on(requested(first));
    storage.on(requested(second));

    storage.on(EventEnvelope.of(second, new CloneFailed(plan, "request", "timed out"), NOW));
    storage.on(memoryUnfrozen(first));

    assertThat(eventsOf(first, StorageUnfrozen.class)).hasSize(1);

    assertThat(queue.queued(second)).isFalse();
    assertThat(eventsOf(second, StorageFrozen.class)).isEmpty();
  }
}
