package io.hotclone.memory.messaging;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.StateCopied;
import io.hotclone.events.StorageFrozen;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.MemoryThaw;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.lease.FreezeLeases;
import io.hotclone.support.lease.LeaseWatchdog;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaSteps;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Steps 2 and 4. The memory lease is registered before the freeze; on {@code StateCopied} the
 * buffers are merged back; on {@code CloneFailed} or lease expiry the memory is thawed (a thaw of
 * memory that was never frozen succeeds).
 */
@Component
public class MemorySteps implements SagaEventHandler {

  static final String FREEZE = "freeze-memory";
  static final String UNFREEZE = "unfreeze-memory";

  private final Hypervisor hypervisor;
  private final SagaSteps steps;
  private final FreezeLeases leases;
  private final JdbcTemplate jdbc;
  private final HaltPoints halt;

  public MemorySteps(Hypervisor hypervisor, SagaSteps steps, FreezeLeases leases, JdbcTemplate jdbc, HaltPoints halt) {
    this.hypervisor = hypervisor;
    this.steps = steps;
    this.leases = leases;
    this.jdbc = jdbc;
    this.halt = halt;
  }

  @Override
  public void on(EventEnvelope event) {
    if (event.payload() instanceof StorageFrozen frozen) {
      freeze(event, frozen);
    } else if (event.payload() instanceof StateCopied copied) {
      unfreeze(event, copied);
    } else if (event.payload() instanceof CloneFailed) {
      release(event);
    }
  }

  private void freeze(EventEnvelope event, StorageFrozen storage) {
    ClonePlan plan = storage.plan();
    VmId vm = new VmId(plan.sourceVm());
    Duration lease = Duration.ofMillis(plan.leaseMillis());
    halt.reach(HaltPoints.BEFORE_FREEZE_MEMORY);
    steps.transaction(
        () -> leases.register(event.cloneId(), vm.value(), plan, steps.clock().instant().plus(lease)));
    steps.step(
        event,
        FREEZE,
        () -> {
          MemoryFreeze frozen = hypervisor.freezeMemory(OperationId.of(event.cloneId(), FREEZE), vm, lease);
          halt.reach(HaltPoints.MEMORY_FROZEN_UNPUBLISHED);
          return frozen;
        },
        (MemoryFreeze frozen) -> {
          leases.markFrozen(event.cloneId(), frozen.cutAt());
          record(event.cloneId(), frozen);
          return new MemoryFrozen(
              plan,
              frozen.baseRef(),
              frozen.cutAt(),
              MemoryFrozen.pauseMicrosOf(frozen.pauseNanos()),
              frozen.tierOrder(),
              frozen.memoryBytes(),
              frozen.leaseUntil());
        },
        reason -> leases.end(event.cloneId(), "RELEASED", reason, steps.clock().instant()),
        () -> thaw(event.cloneId(), vm));
  }

  private void unfreeze(EventEnvelope event, StateCopied copied) {
    VmId vm = new VmId(copied.plan().sourceVm());
    halt.reach(HaltPoints.BEFORE_UNFREEZE_MEMORY);
    steps.step(
        event,
        UNFREEZE,
        () -> thaw(event.cloneId(), vm),
        (MemoryThaw thaw) -> {
          leases.end(event.cloneId(), "THAWED", null, thaw.thawedAt());
          jdbc.update(
              "UPDATE memory_freezes SET merged_pages = ?, thawed_at = ? WHERE clone_id = ?",
              thaw.mergedPages(),
              Timestamp.from(thaw.thawedAt()),
              event.cloneId());
          Long frozenMillis =
              jdbc.query(
                      "SELECT (extract(epoch FROM (thawed_at - cut_at)) * 1000)::bigint FROM memory_freezes WHERE clone_id = ?",
                      (rs, i) -> rs.getLong(1),
                      event.cloneId())
                  .stream()
                  .findFirst()
                  .orElse(0L);
          return new MemoryUnfrozen(
              copied.plan(), copied.baseRef(), copied.images(), thaw.mergedPages(), frozenMillis);
        },
        reason -> leases.end(event.cloneId(), "RELEASED", reason, steps.clock().instant()),
        () -> thaw(event.cloneId(), vm));
  }

  private void release(EventEnvelope event) {
    leases
        .find(event.cloneId())
        .filter(FreezeLeases.Lease::held)
        .ifPresent(lease -> thaw(event.cloneId(), new VmId(lease.vmId())));
    hypervisor.release(event.cloneId()); // whichever service sees the failure first undoes it all
    steps.inTransaction(
        event, () -> leases.end(event.cloneId(), "RELEASED", "clone failed", steps.clock().instant()));
  }

  private MemoryThaw thaw(UUID cloneId, VmId vm) {
    return hypervisor.unfreezeMemory(OperationId.of(cloneId, UNFREEZE), vm);
  }

  private void record(UUID cloneId, MemoryFreeze frozen) {
    jdbc.update(
        "INSERT INTO memory_freezes (clone_id, vm_id, tier_order, cut_at, pause_micros, memory_bytes)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (clone_id) DO NOTHING",
        cloneId,
        frozen.vm().value(),
        String.join(",", frozen.tierOrder()),
        Timestamp.from(frozen.cutAt()),
        MemoryFrozen.pauseMicrosOf(frozen.pauseNanos()),
        frozen.memoryBytes());
  }

  @Bean
  static LeaseWatchdog memoryLeaseWatchdog(
      Hypervisor hypervisor, FreezeLeases leases, SagaSteps steps, io.micrometer.core.instrument.MeterRegistry registry) {
    return new LeaseWatchdog(
        leases,
        steps,
        FREEZE,
        lease -> hypervisor.unfreezeMemory(OperationId.of(lease.cloneId(), UNFREEZE), new VmId(lease.vmId())),
        registry.counter("hotclone.lease.expiries", "step", FREEZE));
  }
}
