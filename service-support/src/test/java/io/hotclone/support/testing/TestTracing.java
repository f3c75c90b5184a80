package io.hotclone.support.testing;

import io.hotclone.support.tracing.TraceContexts;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-process OpenTelemetry tracer (W3C propagation) that keeps every span that ended. */
public final class TestTracing {

  private final List<SpanData> ended = new CopyOnWriteArrayList<>();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(new Recorder()).build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private final io.opentelemetry.api.trace.Tracer otelTracer = otel.getTracer("test");
  private final Tracer tracer = new OtelTracer(otelTracer, new OtelCurrentTraceContext(), event -> {});
  private final TraceContexts traces = new TraceContexts(tracer, new OtelPropagator(otel.getPropagators(), otelTracer));

  public Tracer tracer() {
    return tracer;
  }

  public TraceContexts traces() {
    return traces;
  }

  /** The spans that ended, in the order they ended. */
  public List<SpanData> ended() {
    return List.copyOf(ended);
  }

  private final class Recorder implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended.add(span.toSpanData());
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
