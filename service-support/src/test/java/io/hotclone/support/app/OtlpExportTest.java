package io.hotclone.support.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Spans leave a service only when an OTLP endpoint is configured (the README's promise). */
class OtlpExportTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withPropertyValues("spring.application.name=storage-service")
          .withConfiguration(AutoConfigurations.of(
              OpenTelemetrySdkAutoConfiguration.class,
              OpenTelemetryTracingAutoConfiguration.class,
              OtlpTracingAutoConfiguration.class,
              MicrometerTracingAutoConfiguration.class));

  @Test
  void without_an_endpoint_no_span_exporter_exists() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SpanExporter.class));
  }

  @Test
  void with_an_endpoint_spans_are_exported_over_otlp_http() {
    runner
        .withPropertyValues("management.opentelemetry.tracing.export.otlp.endpoint=http://collector:4318/v1/traces")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(OtlpHttpSpanExporter.class));
  }

  /** docker-compose names an endpoint always and switches export with this flag (off by default). */
  @Test
  void with_an_endpoint_but_otlp_export_disabled_no_span_exporter_exists() {
    runner
        .withPropertyValues(
            "management.opentelemetry.tracing.export.otlp.endpoint=http://collector:4318/v1/traces",
            "management.tracing.export.otlp.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SpanExporter.class));
  }
}
