package io.hotclone.support.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * The trace context as it crosses Kafka: {@link #current()} is the W3C {@code traceparent} of the
 * span in scope (what an outbox row stores), {@link #continueTrace} runs work in a span that is a
 * child of a received {@code traceparent}, with the clone id in the log MDC ({@code cloneId}; the
 * tracer itself puts {@code traceId} and {@code spanId} there). Without a tracer (tracing off)
 * nothing is stored and the work runs as it is.
 */
public final class TraceContexts {

  /** The W3C trace context header, on Kafka records as on HTTP. */
  public static final String TRACEPARENT = "traceparent";
  /** The MDC key of the clone being worked on. */
  public static final String MDC_CLONE_ID = "cloneId";

  private static final TraceContexts NONE = new TraceContexts(null, null);

  private final Tracer tracer;
  private final Propagator propagator;

  public TraceContexts(Tracer tracer, Propagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  /** No tracing: {@link #current()} is null and work runs without a span. */
  public static TraceContexts none() {
    return NONE;
  }

  /** The {@code traceparent} of the span in scope, or null when there is none (or tracing is off). */
  public String current() {
    if (tracer == null || propagator == null) {
      return null;
    }
    Span span = tracer.currentSpan();
    if (span == null) {
      return null;
    }
    TraceContext context = span.context();
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(context, carrier, Map::put);
    return carrier.get(TRACEPARENT);
  }

  /**
   * Runs {@code work} in a new span named {@code name}: a child of {@code traceparent} when one is
   * given (a new trace otherwise), tagged and logged with {@code cloneId}. The span ends when the
   * work does; an exception is recorded on it and rethrown.
   */
  public <T> T continueTrace(String traceparent, String name, UUID cloneId, Supplier<T> work) {
    String previousClone = MDC.get(MDC_CLONE_ID);
    if (cloneId != null) {
      MDC.put(MDC_CLONE_ID, cloneId.toString());
    }
    try {
      if (tracer == null || propagator == null) {
        return work.get();
      }
      Span.Builder builder =
          traceparent == null
              ? tracer.spanBuilder().setNoParent()
              : propagator.extract(Map.of(TRACEPARENT, traceparent), (carrier, key) -> carrier.get(key));
      Span span = builder.name(name).kind(Span.Kind.CONSUMER).start();
      if (cloneId != null) {
        span.tag("hotclone.clone_id", cloneId.toString());
      }
      try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
        return work.get();
      } catch (RuntimeException | Error e) {
        span.error(e);
        throw e;
      } finally {
        span.end();
      }
    } finally {
      if (previousClone == null) {
        MDC.remove(MDC_CLONE_ID);
      } else {
        MDC.put(MDC_CLONE_ID, previousClone);
      }
    }
  }

  /** {@link #continueTrace(String, String, UUID, Supplier)} for work without a result. */
  public void continueTrace(String traceparent, String name, UUID cloneId, Runnable work) {
    continueTrace(traceparent, name, cloneId, () -> {
      work.run();
      return null;
    });
  }

  /** The tracer, or null when tracing is off. */
  public Tracer tracer() {
    return tracer;
  }
}
