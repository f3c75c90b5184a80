package io.hotclone.storage.messaging;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ClonePointer;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.StorageFrozen;
import io.hotclone.events.StorageUnfrozen;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.storage.persistence.StoragePointers;
import io.hotclone.support.lease.FreezeLeases;
import io.hotclone.support.lease.LeaseWatchdog;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaSteps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * Steps 1, 5 and 7. The freeze is registered as a lease before the hypervisor is asked (so
 * compensation and the watchdog can always thaw it); the unfreeze creates one pointer per clone over
 * the base frozen under the clone id.
 */
@Component
public class StorageSteps implements SagaEventHandler {

  static final String FREEZE = "freeze-storage";
  static final String UNFREEZE = "unfreeze-storage";

  private final Hypervisor hypervisor;
  private final SagaSteps steps;
  private final FreezeLeases leases;
  private final StoragePointers pointers;

  public StorageSteps(Hypervisor hypervisor, SagaSteps steps, FreezeLeases leases, StoragePointers pointers) {
    this.hypervisor = hypervisor;
    this.steps = steps;
    this.leases = leases;
    this.pointers = pointers;
  }

  @Override
  public void on(EventEnvelope event) {
    if (event.payload() instanceof CloneRequested requested) {
      freeze(event, requested.plan());
    } else if (event.payload() instanceof MemoryUnfrozen unfrozen) {
      unfreeze(event, unfrozen);
    } else if (event.payload() instanceof CloneFailed) {
      release(event);
    }
  }

  private void freeze(EventEnvelope event, ClonePlan plan) {
    VmId vm = new VmId(plan.sourceVm());
    Duration lease = Duration.ofMillis(plan.leaseMillis());
    steps.transaction(
        () -> leases.register(event.cloneId(), vm.value(), plan, steps.clock().instant().plus(lease)));
    steps.step(
        event,
        FREEZE,
        () -> hypervisor.freezeStorage(OperationId.of(event.cloneId(), FREEZE), vm, lease),
        (StorageFreeze frozen) -> {
          leases.markFrozen(event.cloneId(), frozen.frozenAt());
          pointers.recordFreeze(event.cloneId(), plan.sourceHost(), frozen);
          return new StorageFrozen(
              plan, frozen.baseRef(), frozen.sourcePointer(), frozen.frozenAt(), frozen.leaseUntil());
        },
        reason -> leases.end(event.cloneId(), "RELEASED", reason, steps.clock().instant()),
        () -> thaw(event, vm));
  }

  private void unfreeze(EventEnvelope event, MemoryUnfrozen unfrozen) {
    ClonePlan plan = unfrozen.plan();
    VmId vm = new VmId(plan.sourceVm());
    HostName target = new HostName(plan.targetHost());
    steps.step(
        event,
        UNFREEZE,
        () -> {
          hypervisor.unfreezeStorage(OperationId.of(event.cloneId(), UNFREEZE), vm);
          List<ClonePointer> made = new ArrayList<>();
          for (int i = 0; i < plan.count(); i++) {
            StoragePointer p =
                hypervisor.createClonePointer(OperationId.of(event.cloneId(), "clone-pointer", i), vm, target);
            made.add(new ClonePointer(i, p.id(), p.location(), p.baseRef()));
          }
          return made;
        },
        made -> {
          leases.end(event.cloneId(), "THAWED", null, steps.clock().instant());
          made.forEach(p -> pointers.recordClonePointer(event.cloneId(), plan.sourceVm(), p, plan.targetHost()));
          String sourcePointer = hypervisor.findVm(vm).map(v -> v.storagePointer()).orElse(null);
          return new StorageUnfrozen(plan, unfrozen.images(), made, sourcePointer);
        },
        reason -> leases.end(event.cloneId(), "RELEASED", reason, steps.clock().instant()),
        () -> thaw(event, vm));
  }

  private void release(EventEnvelope event) {
    leases
        .find(event.cloneId())
        .filter(FreezeLeases.Lease::held)
        .ifPresent(lease -> thaw(event, new VmId(lease.vmId())));
    steps.inTransaction(
        event,
        () -> leases.end(event.cloneId(), "RELEASED", "clone failed", steps.clock().instant()));
  }

  private void thaw(EventEnvelope event, VmId vm) {
    hypervisor.unfreezeStorage(OperationId.of(event.cloneId(), UNFREEZE), vm);
  }

  @Bean
  static LeaseWatchdog storageLeaseWatchdog(Hypervisor hypervisor, FreezeLeases leases, SagaSteps steps) {
    return new LeaseWatchdog(
        leases,
        steps,
        FREEZE,
        lease ->
            hypervisor.unfreezeStorage(
                OperationId.of(lease.cloneId(), UNFREEZE), new VmId(lease.vmId())));
  }
}
