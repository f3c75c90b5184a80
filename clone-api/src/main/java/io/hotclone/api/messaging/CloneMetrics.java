package io.hotclone.api.messaging;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Failure;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.persistence.CloneOperations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Operational metrics of clone operations (at {@code /actuator/metrics} and, in Prometheus names,
 * {@code /actuator/prometheus}): operations ended by {@code outcome} and {@code failed_step}
 * ({@code hotclone_clones_ended_total}), clones made ({@code hotclone_clones_made_total}),
 * request-to-end time ({@code hotclone_clone_duration_seconds}), each step's duration ({@code
 * hotclone_step_duration_seconds}, tag {@code step}), the source's pause for the cut ({@code
 * hotclone_source_pause_seconds}) — histograms — and operations in flight ({@code
 * hotclone_operations_in_flight}, read at each scrape). Ended operations are recorded after the
 * transaction that ended them commits, so a rolled-back (and redelivered) event is counted once.
 */
@Component
public class CloneMetrics {

  private final MeterRegistry registry;

  public CloneMetrics(MeterRegistry registry, CloneOperations operations) {
    this.registry = registry;
    Gauge.builder("hotclone.operations.in.flight", operations, o -> o.countInFlight(null))
        .description("Clone operations neither COMPLETED nor FAILED, every tenant")
        .register(registry);
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
    boolean completed = op.phase() == Phase.COMPLETED;
    String outcome = completed ? "completed" : "failed";
    Failure failure = op.outcome().failure();
    String failedStep = completed || failure == null ? "none" : failure.step();
    Counter.builder("hotclone.clones.ended")
        .description("Clone operations ended, by outcome and failed step")
        .tag("outcome", outcome)
        .tag("failed_step", failedStep)
        .register(registry)
        .increment();
    if (completed) {
      Counter.builder("hotclone.clones.made")
          .description("Clones made")
          .register(registry)
          .increment(op.outcome().clones().size());
      Long pauseMicros = op.progress().sourcePauseMicros();
      if (pauseMicros != null) {
        histogram("hotclone.source.pause", "Source VM paused for the memory cut")
            .register(registry)
            .record(Duration.ofNanos(pauseMicros * 1_000));
      }
    }
    for (Map.Entry<String, Long> step : op.progress().stepMillis().entrySet()) {
      if (step.getValue() == null) {
        continue;
      }
      histogram("hotclone.step.duration", "Duration of one saga step")
          .tag("step", step.getKey())
          .register(registry)
          .record(Duration.ofMillis(step.getValue()));
    }
    if (op.totalMillis() != null) {
      histogram("hotclone.clone.duration", "Clone operation, request to end")
          .tag("outcome", outcome)
          .register(registry)
          .record(Duration.ofMillis(op.totalMillis()));
    }
  }

  private static Timer.Builder histogram(String name, String description) {
    return Timer.builder(name).description(description).publishPercentileHistogram();
  }
}
