package io.hotclone.memory.messaging;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.StateCopied;
import io.hotclone.events.StorageFrozen;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.MemoryThaw;
import io.hotclone.hypervisor.VmId;
import io.hotclone.memory.persistence.MemoryFreezes;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.lease.FreezeLease;
import io.hotclone.support.lease.LeaseStore;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaHandlers;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.support.messaging.StepOperation;
import java.time.Duration;
import java.util.UUID;

/**
 * Steps 2 and 4. The memory lease is registered before the freeze; on {@code StateCopied} the
 * buffers are merged back (its copy failures passed on in {@code MemoryUnfrozen}); on {@code CloneFailed} or lease expiry the memory is thawed (a thaw of
 * memory that was never frozen succeeds).
 */
public class MemorySteps implements SagaEventHandler {

  private final Hypervisor hypervisor;
  private final SagaSteps steps;
  private final FreezeLease lease;
  private final MemoryFreezes freezes;
  private final HaltPoints halt;
  private final SagaHandlers handlers;

  public MemorySteps(Hypervisor hypervisor, SagaSteps steps, FreezeLease lease, MemoryFreezes freezes, HaltPoints halt) {
    this.hypervisor = hypervisor;
    this.steps = steps;
    this.lease = lease;
    this.freezes = freezes;
    this.halt = halt;
    this.handlers =
        SagaHandlers.of(SagaService.MEMORY)
            .on(SagaStep.FREEZE_MEMORY, StorageFrozen.class, this::freeze)
            .on(SagaStep.UNFREEZE_MEMORY, StateCopied.class, this::unfreeze)
            .onCloneFailed(this::release)
            .build();
  }

  /** The lease logic of memory's freeze: thawed by {@code unfreeze-memory}. */
  public static FreezeLease freezeLease(LeaseStore leases, SagaSteps steps, Hypervisor hypervisor) {
    return new FreezeLease(
        leases, steps, SagaStep.FREEZE_MEMORY,
        (cloneId, vm) -> hypervisor.unfreezeMemory(StepOperation.UNFREEZE_MEMORY.id(cloneId), vm));
  }

  @Override
  public void on(EventEnvelope event) {
    handlers.on(event);
  }

  /** The handlers, one per row of memory-service in the saga table. */
  public SagaHandlers handlers() {
    return handlers;
  }

  private void freeze(EventEnvelope event, StorageFrozen storage) {
    ClonePlan plan = storage.plan();
    UUID cloneId = event.cloneId();
    VmId vm = new VmId(plan.sourceVm());
    halt.reach(HaltPoints.BEFORE_FREEZE_MEMORY);
    steps.on(event, SagaStep.FREEZE_MEMORY)
        .undo(() -> lease.register(cloneId, vm, plan), lease.thawing(cloneId, vm))
        .run(() -> {
          MemoryFreeze frozen =
              hypervisor.freezeMemory(StepOperation.FREEZE_MEMORY.id(cloneId), vm, Duration.ofMillis(plan.leaseMillis()));
          halt.reach(HaltPoints.MEMORY_FROZEN_UNPUBLISHED);
          return frozen;
        })
        .onFailure(reason -> lease.released(cloneId, reason))
        .emit((MemoryFreeze frozen) -> {
          lease.frozen(cloneId, frozen.cutAt());
          freezes.recordFreeze(cloneId, frozen);
          return new MemoryFrozen(
              plan,
              frozen.baseRef(),
              frozen.cutAt(),
              MemoryFrozen.pauseMicrosOf(frozen.pauseNanos()),
              frozen.tierOrder(),
              frozen.memoryBytes(),
              frozen.leaseUntil());
        });
  }

  private void unfreeze(EventEnvelope event, StateCopied copied) {
    UUID cloneId = event.cloneId();
    VmId vm = new VmId(copied.plan().sourceVm());
    halt.reach(HaltPoints.BEFORE_UNFREEZE_MEMORY);
    steps.on(event, SagaStep.UNFREEZE_MEMORY)
        .undo(lease.thawing(cloneId, vm))
        .run(() -> hypervisor.unfreezeMemory(StepOperation.UNFREEZE_MEMORY.id(cloneId), vm))
        .onFailure(reason -> lease.released(cloneId, reason))
        .emit((MemoryThaw thaw) -> {
          lease.thawed(cloneId, thaw.thawedAt());
          long frozenMillis = freezes.recordThaw(cloneId, thaw);
          return new MemoryUnfrozen(
              copied.plan(), copied.baseRef(), copied.images(), thaw.mergedPages(), frozenMillis, copied.failures());
        });
  }

  /** Thaws a held freeze and undoes everything of the clone (whichever service sees the failure first). */
  private void release(EventEnvelope event, CloneFailed failed) {
    lease.onCloneFailed(event, () -> hypervisor.release(event.cloneId()));
  }
}
