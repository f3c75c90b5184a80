package io.hotclone.support.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TraceContextsTest {

  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private final io.opentelemetry.api.trace.Tracer otelTracer = otel.getTracer("test");
  private final Tracer tracer = new OtelTracer(otelTracer, new OtelCurrentTraceContext(), event -> {});
  private final TraceContexts traces = new TraceContexts(tracer, new OtelPropagator(otel.getPropagators(), otelTracer));
  private final UUID cloneId = UUID.fromString("11111111-2222-3333-4444-555555555555");

  @Test
  void the_traceparent_of_the_span_in_scope_is_continued_by_a_child_span_of_the_same_trace() {
    // given a span in scope (a REST request) and the traceparent an outbox row would store
    Span request = tracer.nextSpan().name("request").start();
    String stored;
    try (Tracer.SpanInScope ignored = tracer.withSpan(request)) {
      stored = traces.current();
    } finally {
      request.end();
    }
    assertThat(stored).isEqualTo("00-" + request.context().traceId() + "-" + request.context().spanId() + "-01");
    assertThat(traces.current()).as("no span in scope").isNull();

    // when a consumer continues it
    String[] seen = new String[3];
    traces.continueTrace(stored, "handle StorageFrozen", cloneId, () -> {
      Span consumer = tracer.currentSpan();
      seen[0] = consumer.context().traceId();
      seen[1] = consumer.context().parentId();
      seen[2] = MDC.get("cloneId");
    });

    // then its span is a child of the request's, with the clone id in the MDC only meanwhile
    assertThat(seen[0]).isEqualTo(request.context().traceId());
    assertThat(seen[1]).isEqualTo(request.context().spanId());
    assertThat(seen[2]).isEqualTo(cloneId.toString());
    assertThat(MDC.get("cloneId")).isNull();
    assertThat(tracer.currentSpan()).isNull();
  }

  @Test
  void without_a_traceparent_the_work_starts_a_trace_of_its_own() {
    String[] trace = new String[2];
    traces.continueTrace(null, "handle", cloneId, () -> trace[0] = tracer.currentSpan().context().traceId());
    traces.continueTrace(null, "handle", cloneId, () -> trace[1] = tracer.currentSpan().context().traceId());
    assertThat(trace[0]).matches("[0-9a-f]{32}").isNotEqualTo(trace[1]);
  }

  @Test
  void without_tracing_nothing_is_stored_and_the_work_still_runs_with_the_clone_in_the_mdc() {
    String[] mdc = new String[1];
    TraceContexts.none().continueTrace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "handle", cloneId,
        () -> mdc[0] = MDC.get("cloneId"));
    assertThat(TraceContexts.none().current()).isNull();
    assertThat(mdc[0]).isEqualTo(cloneId.toString());
  }
}
