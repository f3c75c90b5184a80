package io.hotclone.api.messaging;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Operational metrics of ended clone operations (at {@code /actuator/metrics}): how many ended and
 * how ({@code hotclone.clones.ended}, tag {@code outcome}), clones made, request-to-end time, and the
 * source's pause for the cut. Recorded after the transaction that ended the operation commits, so a
 * rolled-back (and redelivered) event is counted once.
 */
@Component
public class CloneMetrics {

  private final MeterRegistry registry;

  public CloneMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records an operation that has just become terminal. */
  public void ended(CloneOperation op) {
    Runnable record = () -> record(op);
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              record.run();
            }
          });
    } else {
      record.run();
    }
  }

  private void record(CloneOperation op) {
    String outcome = op.phase() == Phase.COMPLETED ? "completed" : "failed";
    Counter.builder("hotclone.clones.ended").tag("outcome", outcome).register(registry).increment();
    if (op.phase() == Phase.COMPLETED) {
      Counter.builder("hotclone.clones.made").register(registry).increment(op.clones().size());
      if (op.sourcePauseMicros() != null) {
        DistributionSummary.builder("hotclone.source.pause")
            .baseUnit("microseconds")
            .publishPercentiles(0.5, 0.99)
            .register(registry)
            .record(op.sourcePauseMicros());
      }
    }
    if (op.totalMillis() != null) {
      Timer.builder("hotclone.clone.duration")
          .tag("outcome", outcome)
          .publishPercentiles(0.5, 0.99)
          .register(registry)
          .record(Duration.ofMillis(op.totalMillis()));
    }
  }
}
