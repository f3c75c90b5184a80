package io.hotclone.devstack;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Keeps the spans every service of the test stack ends, in memory: an initializer (registered in
 * the tests' {@code META-INF/spring.factories}) that gives each service context a {@link
 * SpanProcessor} bean, which Boot adds to that service's tracer provider. The newest {@value
 * #LIMIT} spans are kept.
 */
public final class SpanCapture implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final int LIMIT = 50_000;
  private static final Deque<SpanData> SPANS = new ConcurrentLinkedDeque<>();
  private static final AtomicInteger SIZE = new AtomicInteger();

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    context.getBeanFactory().registerSingleton("testSpanCapture", SimpleSpanProcessor.create(new Exporter()));
  }

  /** The spans of {@code traceId} ended so far. */
  static List<SpanData> ofTrace(String traceId) {
    return SPANS.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }

  /** The service ({@code service.name} of its tracer's resource) that made {@code span}. */
  static String service(SpanData span) {
    return span.getResource().getAttribute(SERVICE_NAME);
  }

  private static final class Exporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      for (SpanData s : spans) {
        SPANS.addLast(s);
        if (SIZE.incrementAndGet() > LIMIT && SPANS.pollFirst() != null) {
          SIZE.decrementAndGet();
        }
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
