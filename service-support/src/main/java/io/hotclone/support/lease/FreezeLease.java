package io.hotclone.support.lease;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.hypervisor.VmId;
import io.hotclone.support.messaging.SagaSteps;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The freeze lease of one freezing step (storage's or memory's), written once: registered before
 * the freeze, ended as {@link LeaseState#THAWED} by the saga or {@link LeaseState#RELEASED} by a
 * failure, thawed if still held when the clone fails, and released by a {@link LeaseWatchdog}
 * once expired. {@code thaw} must succeed when nothing is frozen.
 */
public class FreezeLease {

  /** Thaws what the step froze for {@code cloneId} (idempotent; succeeds if nothing is frozen). */
  @FunctionalInterface
  public interface Thaw {
    void thaw(UUID cloneId, VmId vm);
  }

  private final LeaseStore leases;
  private final SagaSteps steps;
  private final SagaStep step;
  private final Thaw thaw;

  public FreezeLease(LeaseStore leases, SagaSteps steps, SagaStep step, Thaw thaw) {
    this.leases = leases;
    this.steps = steps;
    this.step = step;
    this.thaw = thaw;
  }

  /** The freezing step whose lease this is. */
  public SagaStep step() {
    return step;
  }

  /** Records the lease of {@code plan}'s freeze of {@code vm}, held for the plan's lease time. */
  public void register(UUID cloneId, VmId vm, ClonePlan plan) {
    leases.register(cloneId, vm.value(), plan, until(plan));
  }

  /** When a freeze of {@code plan} registered now expires. */
  public Instant until(ClonePlan plan) {
    return steps.clock().instant().plus(Duration.ofMillis(plan.leaseMillis()));
  }

  /** The compensation of a failed step: thaw {@code vm}. */
  public Runnable thawing(UUID cloneId, VmId vm) {
    return () -> thaw.thaw(cloneId, vm);
  }

  public void frozen(UUID cloneId, Instant at) {
    leases.markFrozen(cloneId, at);
  }

  /** The saga unfroze the VM. */
  public void thawed(UUID cloneId, Instant at) {
    leases.end(cloneId, LeaseState.THAWED, null, at);
  }

  /** A step failed with {@code reason} (its compensation thawed the VM). */
  public void released(UUID cloneId, String reason) {
    leases.end(cloneId, LeaseState.RELEASED, reason, steps.clock().instant());
  }

  /**
   * The clone failed: thaws the VM if the lease is still held, runs {@code releaseTheRest} (what
   * else the service undoes before the lease ends), then ends the lease as RELEASED together with
   * the inbox entry of {@code event}. Returns the lease as it was found.
   */
  public Optional<LeaseStore.Lease> onCloneFailed(EventEnvelope event, Runnable releaseTheRest) {
    Optional<LeaseStore.Lease> lease = leases.find(event.cloneId());
    lease.filter(LeaseStore.Lease::held).ifPresent(l -> thaw.thaw(event.cloneId(), new VmId(l.vmId())));
    releaseTheRest.run();
    steps.inTransaction(event, () -> released(event.cloneId(), "clone failed"));
    return lease;
  }

  /**
   * The watchdog of this step's leases, counting its releases in {@code hotclone.lease.expiries}
   * tagged with the step's wire name. Declare it as a bean; scheduling must be enabled.
   */
  public LeaseWatchdog watchdog(MeterRegistry registry) {
    return new LeaseWatchdog(
        leases,
        steps,
        step.wireName(),
        lease -> thaw.thaw(lease.cloneId(), new VmId(lease.vmId())),
        registry.counter("hotclone.lease.expiries", "step", step.wireName()));
  }
}
