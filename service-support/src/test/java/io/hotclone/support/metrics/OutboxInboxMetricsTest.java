package io.hotclone.support.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.support.testing.RecordingJdbc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The gauges' names, tags and readings: a failing query reads as NaN (no sample), never as a
 * healthy 0. The queries themselves are covered by the devstack integration test MetricsIT.
 */
class OutboxInboxMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double gauge(String name) {
    return registry.get(name).tag("service", "storage-service").gauge().value();
  }

  @Test
  void the_gauges_read_the_outbox_lag_and_the_inbox_size_of_the_service() {
    new OutboxInboxMetrics(
            new RecordingJdbc().answering(s -> s.sql().contains("FROM outbox") ? (Object) 2.5 : (Object) 17L),
            "storage-service")
        .bindTo(registry);
    assertThat(gauge("hotclone.outbox.lag")).isEqualTo(2.5);
    assertThat(registry.get("hotclone.outbox.lag").gauge().getId().getBaseUnit()).isEqualTo("seconds");
    assertThat(gauge("hotclone.inbox.size")).isEqualTo(17.0);
  }

  @Test
  void a_failing_query_reads_as_no_value_not_as_zero() {
    new OutboxInboxMetrics(new RecordingJdbc().answering(s -> {
      throw new DataAccessResourceFailureException("database down");
    }), "storage-service").bindTo(registry);
    assertThat(gauge("hotclone.outbox.lag")).isNaN();
    assertThat(gauge("hotclone.inbox.size")).isNaN();
  }

  @Test
  void no_answer_reads_as_zero() {
    new OutboxInboxMetrics(new RecordingJdbc().answering(s -> null), "storage-service").bindTo(registry);
    assertThat(gauge("hotclone.outbox.lag")).isZero();
    assertThat(gauge("hotclone.inbox.size")).isZero();
  }
}
