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
import io.hotclone.events.EventCodec;
import io.hotclone.storage.persistence.FreezeQueue;
import io.hotclone.storage.persistence.StoragePointers;
import io.hotclone.support.inbox.Inbox;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.hotclone.support.lease.FreezeLeases;
import io.hotclone.support.lease.LeaseWatchdog;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.support.tracing.TraceContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * Steps 1, 5 and 7. The freeze is registered as a lease before the hypervisor is asked (so
 * compensation and the watchdog can always thaw it); the unfreeze creates one pointer per clone over
 * the base frozen under the clone id. One freeze per VM at a time: a clone of a VM that is being
 * cloned waits in the {@link FreezeQueue} and starts when the earlier freeze ends, however it ends.
 */
@Component
public class StorageSteps implements SagaEventHandler {

  private static final Logger log = LoggerFactory.getLogger(StorageSteps.class);

  static final String FREEZE = "freeze-storage";
  static final String UNFREEZE = "unfreeze-storage";

  private final Hypervisor hypervisor;
  private final SagaSteps steps;
  private final FreezeLeases leases;
  private final StoragePointers pointers;
  private final FreezeQueue queue;
  private final Inbox inbox;
  private final EventCodec codec;
  private final TraceContexts traces;

  public StorageSteps(
      Hypervisor hypervisor,
      SagaSteps steps,
      FreezeLeases leases,
      StoragePointers pointers,
      FreezeQueue queue,
      Inbox inbox,
      EventCodec codec,
      TraceContexts traces) {
    this.hypervisor = hypervisor;
    this.steps = steps;
    this.leases = leases;
    this.pointers = pointers;
    this.queue = queue;
    this.inbox = inbox;
    this.codec = codec;
    this.traces = traces;
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
    if (inbox.seen(event)) {
      return;
    }
    boolean admitted =
        queue.admitOrQueue(
            event.cloneId(), vm.value(), plan, steps.clock().instant().plus(lease), codec.encode(event),
            traces.current());
    if (!admitted) {
      log.info("clone {}: {} is being cloned already; queued", event.cloneId(), vm);
      return;
    }
    steps.step(
        event,
        FREEZE,
        () -> hypervisor.freezeStorage(OperationId.of(event.cloneId(), FREEZE), vm, lease),
        (StorageFreeze frozen) -> {
          leases.markFrozen(event.cloneId(), frozen.frozenAt());
          pointers.recordFreeze(event.cloneId(), plan.sourceHost(), frozen);
          return new StorageFrozen(
              plan,
              frozen.baseRef(),
              frozen.sourcePointer(),
              frozen.frozenAt(),
              frozen.leaseUntil(),
              frozen.disks().stream()
                  .map(d -> new StorageFrozen.FrozenDisk(d.device(), d.baseRef(), d.sourcePointer()))
                  .toList());
        },
        reason -> leases.end(event.cloneId(), "RELEASED", reason, steps.clock().instant()),
        () -> thaw(event, vm));
    startNext(vm.value());
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
        },
        made -> {
          leases.end(event.cloneId(), "THAWED", null, steps.clock().instant());
          made.forEach(p -> pointers.recordClonePointer(event.cloneId(), plan.sourceVm(), p, plan.targetHost()));
          String sourcePointer = hypervisor.findVm(vm).map(v -> v.storagePointer()).orElse(null);
          return new StorageUnfrozen(plan, unfrozen.images(), made, sourcePointer);
        },
        reason -> leases.end(event.cloneId(), "RELEASED", reason, steps.clock().instant()),
        () -> thaw(event, vm));
    startNext(vm.value());
  }

  private void release(EventEnvelope event) {
    Optional<FreezeLeases.Lease> lease = leases.find(event.cloneId());
    lease.filter(FreezeLeases.Lease::held).ifPresent(l -> thaw(event, new VmId(l.vmId())));
    // undo everything of the clone on the hypervisor (whichever service sees the failure first
    // does it all) before the next queued freeze of the VM may start
    hypervisor.release(event.cloneId());
    Optional<String> queuedVm = queue.drop(event.cloneId());
    steps.inTransaction(
        event,
        () -> leases.end(event.cloneId(), "RELEASED", "clone failed", steps.clock().instant()));
    lease.map(FreezeLeases.Lease::vmId).or(() -> queuedVm).ifPresent(this::startNext);
  }

  private void thaw(EventEnvelope event, VmId vm) {
    hypervisor.unfreezeStorage(OperationId.of(event.cloneId(), UNFREEZE), vm);
  }

  @Bean
  static LeaseWatchdog storageLeaseWatchdog(
      Hypervisor hypervisor, FreezeLeases leases, SagaSteps steps, io.micrometer.core.instrument.MeterRegistry registry) {
    return new LeaseWatchdog(
        leases,
        steps,
        FREEZE,
        lease ->
            hypervisor.unfreezeStorage(
                OperationId.of(lease.cloneId(), UNFREEZE), new VmId(lease.vmId())),
        registry.counter("hotclone.lease.expiries", "step", FREEZE));
  }
}
