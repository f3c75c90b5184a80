package io.hotclone.support.lease;

import io.hotclone.events.CloneFailed;
import io.hotclone.support.messaging.SagaSteps;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Releases expired freezes: thaws the VM through {@code thaw} (which must succeed when nothing is
 * frozen), ends the lease as RELEASED and emits {@link CloneFailed} so the rest of the saga
 * compensates. A service that freezes declares one as a bean (see {@link FreezeLease#watchdog}); scheduling must be enabled. {@code
 * expiries} counts the leases it released, once each, after the release committed.
 */
public class LeaseWatchdog {

  private static final Logger log = LoggerFactory.getLogger(LeaseWatchdog.class);

  private final LeaseStore leases;
  private final SagaSteps steps;
  private final String step;
  private final Consumer<LeaseStore.Lease> thaw;
  private final Counter expiries;

  public LeaseWatchdog(
      LeaseStore leases, SagaSteps steps, String step, Consumer<LeaseStore.Lease> thaw, Counter expiries) {
    this.leases = leases;
    this.steps = steps;
    this.step = step;
    this.thaw = thaw;
    this.expiries = expiries;
  }

  @Scheduled(fixedDelayString = "${hotclone.lease.check-interval:1000}")
  public void releaseExpired() {
    for (LeaseStore.Lease lease : leases.expired(steps.clock().instant())) {
      try {
        thaw.accept(lease);
      } catch (RuntimeException e) {
        log.warn("thaw of expired lease {} failed, will retry: {}", lease.cloneId(), e.toString());
        continue;
      }
      AtomicBoolean released = new AtomicBoolean();
      steps.transaction(
          () -> {
            String reason = "freeze lease expired at " + lease.leaseUntil() + "; source thawed";
            if (leases.end(lease.cloneId(), LeaseState.RELEASED, reason, steps.clock().instant())) {
              log.warn("clone {}: {}", lease.cloneId(), reason);
              steps.emit(lease.cloneId(), new CloneFailed(lease.plan(), step, reason));
              released.set(true);
            }
          });
      if (released.get()) {
        expiries.increment();
      }
    }
  }
}
