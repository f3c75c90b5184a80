package io.hotclone.storage.messaging;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ClonePointer;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.StorageFrozen;
import io.hotclone.events.StorageUnfrozen;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.storage.persistence.FreezeQueue;
import io.hotclone.storage.persistence.StoragePointers;
import io.hotclone.support.lease.FreezeLease;
import io.hotclone.support.lease.LeaseStore;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaHandlers;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.support.messaging.StepOperation;
import io.hotclone.support.messaging.StepRun;
import io.hotclone.support.tracing.TraceContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 1, 5 and 7. The freeze is registered as a lease before the hypervisor is asked (so
 * compensation and the watchdog can always thaw it); the unfreeze creates one pointer per clone over
 * the base frozen under the clone id, except for a {@code partial} plan's clones whose copy failed
 * ({@code MemoryUnfrozen.failures}, passed on in {@code StorageUnfrozen}). One freeze per VM at a time: a clone of a VM that is being
 * cloned waits in the {@link FreezeQueue} and starts when the earlier freeze ends, however it ends.
 */
public class StorageSteps implements SagaEventHandler {

  private static final Logger log = LoggerFactory.getLogger(StorageSteps.class);

  private final Hypervisor hypervisor;
  private final SagaSteps steps;
  private final FreezeLease lease;
  private final StoragePointers pointers;
  private final FreezeQueue queue;
  private final EventCodec codec;
  private final TraceContexts traces;
  private final SagaHandlers handlers;

  public StorageSteps(
      Hypervisor hypervisor,
      SagaSteps steps,
      FreezeLease lease,
      StoragePointers pointers,
      FreezeQueue queue,
      EventCodec codec,
      TraceContexts traces) {
    this.hypervisor = hypervisor;
    this.steps = steps;
    this.lease = lease;
    this.pointers = pointers;
    this.queue = queue;
    this.codec = codec;
    this.traces = traces;
    this.handlers =
        SagaHandlers.of(SagaService.STORAGE)
            .on(SagaStep.FREEZE_STORAGE, CloneRequested.class, this::freeze)
            .on(SagaStep.UNFREEZE_STORAGE, MemoryUnfrozen.class, this::unfreeze)
            .onCloneFailed(this::release)
            .build();
  }

  /** The lease logic of storage's freeze: thawed by {@code unfreeze-storage}. */
  public static FreezeLease freezeLease(LeaseStore leases, SagaSteps steps, Hypervisor hypervisor) {
    return new FreezeLease(
        leases, steps, SagaStep.FREEZE_STORAGE,
        (cloneId, vm) -> hypervisor.unfreezeStorage(StepOperation.UNFREEZE_STORAGE.id(cloneId), vm));
  }

  @Override
  public void on(EventEnvelope event) {
    handlers.on(event);
  }

  /** The handlers, one per row of storage-service in the saga table. */
  public SagaHandlers handlers() {
    return handlers;
  }

  private void freeze(EventEnvelope event, CloneRequested requested) {
    ClonePlan plan = requested.plan();
    UUID cloneId = event.cloneId();
    VmId vm = new VmId(plan.sourceVm());
    StepRun.Outcome outcome =
        steps.on(event, SagaStep.FREEZE_STORAGE)
            .undoOrDefer(() -> admitOrQueue(event, vm, plan), lease.thawing(cloneId, vm))
            .run(() -> hypervisor.freezeStorage(
                StepOperation.FREEZE_STORAGE.id(cloneId), vm, Duration.ofMillis(plan.leaseMillis())))
            .onFailure(reason -> lease.released(cloneId, reason))
            .emit((StorageFreeze frozen) -> {
              lease.frozen(cloneId, frozen.frozenAt());
              pointers.recordFreeze(cloneId, plan.sourceHost(), frozen);
              return new StorageFrozen(
                  plan,
                  frozen.baseRef(),
                  frozen.sourcePointer(),
                  frozen.frozenAt(),
                  frozen.leaseUntil(),
                  frozen.disks().stream()
                      .map(d -> new StorageFrozen.FrozenDisk(d.device(), d.baseRef(), d.sourcePointer()))
                      .toList());
            });
    if (outcome == StepRun.Outcome.SUCCEEDED || outcome == StepRun.Outcome.FAILED) {
      startNext(vm.value());
    }
  }

  /** Registers the lease unless another clone holds a freeze of the VM; then queues the event. */
  private boolean admitOrQueue(EventEnvelope event, VmId vm, ClonePlan plan) {
    boolean admitted =
        queue.admitOrQueue(
            event.cloneId(), vm.value(), plan, lease.until(plan), codec.encode(event), traces.current());
    if (!admitted) {
      log.info("clone {}: {} is being cloned already; queued", event.cloneId(), vm);
    }
    return admitted;
  }

  /**
   * Starts the oldest clone queued for {@code vmId} once no freeze of it is held, in its own trace
   * (it runs while another clone's event is handled).
   */
  private void startNext(String vmId) {
    queue.next(vmId).ifPresent(q -> codec.decode(q.envelope()).ifPresent(next ->
        traces.continueTrace(q.traceparent(), "handle " + next.type() + " (queued)", next.cloneId(), () -> on(next))));
  }

  private void unfreeze(EventEnvelope event, MemoryUnfrozen unfrozen) {
    ClonePlan plan = unfrozen.plan();
    UUID cloneId = event.cloneId();
    VmId vm = new VmId(plan.sourceVm());
    steps.on(event, SagaStep.UNFREEZE_STORAGE)
        .undo(lease.thawing(cloneId, vm))
        .run(() -> {
          hypervisor.unfreezeStorage(StepOperation.UNFREEZE_STORAGE.id(cloneId), vm);
          List<ClonePointer> made = new ArrayList<>();
          Set<Integer> failed = new HashSet<>();
          unfrozen.failures().forEach(f -> failed.add(f.index()));
          for (int i = 0; i < plan.count(); i++) {
            if (failed.contains(i)) {
              continue; // a partial plan's clone whose copy failed: no pointer
            }
            // each clone's pointer on its own host (placement may spread one freeze over several)
            HostName target = new HostName(plan.hostFor(i));
            StoragePointer p = hypervisor.createClonePointer(StepOperation.CLONE_POINTER.id(cloneId, i), vm, target);
            made.add(
                new ClonePointer(
                    i,
                    p.id(),
                    p.location(),
                    p.baseRef(),
                    p.disks().stream()
                        .map(d -> new ClonePointer.DiskPointer(d.device(), d.id(), d.location(), d.baseRef()))
                        .toList()));
          }
          return made;
        })
        .onFailure(reason -> lease.released(cloneId, reason))
        .emit(made -> {
          lease.thawed(cloneId, steps.clock().instant());
          made.forEach(p -> pointers.recordClonePointer(cloneId, plan.sourceVm(), p, plan.hostFor(p.index())));
          String sourcePointer = hypervisor.findVm(vm).map(v -> v.storagePointer()).orElse(null);
          return new StorageUnfrozen(plan, unfrozen.images(), made, sourcePointer, unfrozen.failures());
        });
    startNext(vm.value());
  }

  /**
   * Undoes everything of the clone on the hypervisor (whichever service sees the failure first
   * does it all) before the next queued freeze of the VM may start.
   */
  private void release(EventEnvelope event, CloneFailed failed) {
    AtomicReference<Optional<String>> queuedVm = new AtomicReference<>(Optional.empty());
    Optional<LeaseStore.Lease> held =
        lease.onCloneFailed(event, () -> {
          hypervisor.release(event.cloneId());
          queuedVm.set(queue.drop(event.cloneId()));
        });
    held.map(LeaseStore.Lease::vmId).or(queuedVm::get).ifPresent(this::startNext);
  }
}
