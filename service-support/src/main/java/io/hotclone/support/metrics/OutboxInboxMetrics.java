package io.hotclone.support.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gauges read from the service's own schema at each scrape: {@code hotclone.outbox.lag} (Prometheus
 * {@code hotclone_outbox_lag_seconds}: age of the oldest unpublished outbox row, 0 when none is
 * waiting) and {@code hotclone.inbox.size} (processed event ids kept), both tagged {@code service}.
 * A failing query reads as NaN (Prometheus: no sample), never as a healthy 0.
 */
public class OutboxInboxMetrics implements MeterBinder {

  private final JdbcTemplate jdbc;
  private final String service;

  public OutboxInboxMetrics(JdbcTemplate jdbc, String service) {
    this.jdbc = jdbc;
    this.service = service;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("hotclone.outbox.lag", this, OutboxInboxMetrics::outboxLagSeconds)
        .description("Age of the oldest outbox row not yet published")
        .baseUnit("seconds")
        .tag("service", service)
        .register(registry);
    Gauge.builder("hotclone.inbox.size", this, OutboxInboxMetrics::inboxSize)
        .description("Processed event ids kept in the inbox")
        .tag("service", service)
        .register(registry);
  }

  double outboxLagSeconds() {
    try {
      Double lag = jdbc.queryForObject(
          "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0) FROM outbox WHERE published_at IS NULL",
          Double.class);
      return lag == null ? 0 : lag;
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  double inboxSize() {
    try {
      Long n = jdbc.queryForObject("SELECT count(*) FROM inbox", Long.class);
      return n == null ? 0 : n;
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }
}
