package io.hotclone.support.app;

import io.hotclone.events.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The defaults that make an application the service {@code name}: its own consumer group on the
 * saga topic, its own dead-letter topic, its own PostgreSQL schema and Flyway migrations
 * ({@code db/support} then {@code db/<name>}). Given as default properties, so every one of them
 * can be overridden by the service's configuration or the environment.
 */
public final class ServiceDefaults {

  /** The binding of every service's consumer function. */
  public static final String BINDING = "onCloneEvent-in-0";

  private ServiceDefaults() {}

  public static Map<String, Object> forService(String name, String schema) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("spring.application.name", name);
    p.put("spring.config.name", name);
    p.put("spring.cloud.function.definition", "onCloneEvent");
    String b = "spring.cloud.stream.bindings." + BINDING;
    p.put(b + ".destination", Topics.CLONE_EVENTS);
    p.put(b + ".group", name);
    p.put(b + ".content-type", "application/octet-stream");
    p.put(b + ".consumer.max-attempts", 3);
    p.put(b + ".consumer.back-off-initial-interval", 200);
    p.put(b + ".consumer.concurrency", 2);
    String k = "spring.cloud.stream.kafka.bindings." + BINDING + ".consumer";
    p.put(k + ".enable-dlq", true);
    p.put(k + ".dlq-name", Topics.DLQ_PREFIX + name);
    p.put(k + ".configuration.fetch.max.wait.ms", 50);
    // a killed instance's partitions move to a live one after this long (Kafka's default is 45 s)
    p.put(k + ".configuration.session.timeout.ms", "${hotclone.kafka.session-timeout-ms:10000}");
    p.put(k + ".configuration.heartbeat.interval.ms", "${hotclone.kafka.heartbeat-interval-ms:3000}");
    p.put("spring.cloud.stream.kafka.binder.brokers", "${hotclone.kafka.bootstrap-servers:localhost:9092}");
    p.put("spring.cloud.stream.kafka.binder.auto-create-topics", true);
    p.put("spring.cloud.stream.kafka.binder.min-partition-count", 4);
    p.put("spring.cloud.stream.kafka.binder.replication-factor", 1);
    p.put("spring.datasource.url", "${hotclone.db.url:jdbc:postgresql://localhost:5432/hotclone}");
    p.put("spring.datasource.username", "${hotclone.db.username:postgres}");
    p.put("spring.datasource.password", "${hotclone.db.password:postgres}");
    p.put("spring.datasource.hikari.schema", schema);
    p.put("spring.datasource.hikari.maximum-pool-size", 6);
    // a database that goes away without closing its connections must not hang a service thread
    // forever (the driver's default read timeout is none): fail the call, the caller retries
    p.put("spring.datasource.hikari.data-source-properties.socketTimeout", "${hotclone.db.socket-timeout-seconds:30}");
    p.put("spring.datasource.hikari.data-source-properties.connectTimeout", "10");
    p.put("spring.datasource.hikari.data-source-properties.tcpKeepAlive", "true");
    p.put("spring.datasource.hikari.connection-timeout", "10000");
    p.put("spring.datasource.hikari.pool-name", name);
    p.put("spring.flyway.schemas", schema);
    p.put("spring.flyway.default-schema", schema);
    p.put("spring.flyway.create-schemas", true);
    p.put("spring.flyway.locations", "classpath:db/support,classpath:db/" + name);
    p.put("spring.jmx.enabled", false);
    // on server.port: health (probes), metrics, and prometheus (the scrape, text format)
    p.put("management.endpoints.web.exposure.include", "health,info,metrics,prometheus");
    // one trace per clone: every clone is sampled (a control plane makes few traces); spans are
    // exported only when management.opentelemetry.tracing.export.otlp.endpoint is set
    p.put("management.tracing.sampling.probability", "1.0");
    p.put("spring.lifecycle.timeout-per-shutdown-phase", "10s");
    // one logging system per JVM: in devstack the first context's name would label every line
    p.put("logging.include-application-name", false);
    // plain text: [traceId cloneId] on the lines of a clone's work (instead of Boot's
    // [traceId-spanId]); logging.structured.format.console=ecs|logstash (environment
    // LOGGING_STRUCTURED_FORMAT_CONSOLE) switches to JSON with the whole MDC
    p.put("logging.pattern.correlation", "%replace([%X{traceId:-} %X{cloneId:-}] ){'^\\[ \\] $', ''}");
    return p;
  }

  /** An application builder for the service with its defaults applied. */
  public static SpringApplicationBuilder builder(Class<?> app, String name, String schema) {
    return new SpringApplicationBuilder(app).properties(forService(name, schema));
  }
}
