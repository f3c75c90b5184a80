package io.hotclone.support.metrics;

import io.hotclone.hypervisor.Hypervisor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Wraps a {@link Hypervisor} so every driver call is timed as {@code hotclone.driver.call} (Prometheus
 * {@code hotclone_driver_call_seconds}, a histogram) with tags {@code operation} (the SPI method) and
 * {@code outcome} ({@code success}, or the simple name of the exception thrown). The delegate's
 * results and exceptions pass through unchanged; {@code close} is not forwarded: the wrapper never
 * owns the driver. Given a tracer, a call made inside a span (a saga step) is also a child span
 * {@code hypervisor <operation>}; calls outside any trace (watchdog scans) make no span.
 */
public final class TimedHypervisor {

  static final String METER = "hotclone.driver.call";
  private static final Set<String> UNTIMED = Set.of("close", "driverName", "toString", "hashCode", "equals");

  private TimedHypervisor() {}

  public static Hypervisor wrap(Hypervisor delegate, MeterRegistry registry) {
    return wrap(delegate, registry, null);
  }

  /** {@code tracer} null: timed only. */
  public static Hypervisor wrap(Hypervisor delegate, MeterRegistry registry, Tracer tracer) {
    return (Hypervisor) Proxy.newProxyInstance(
        Hypervisor.class.getClassLoader(),
        new Class<?>[] {Hypervisor.class},
        (proxy, method, args) -> invoke(delegate, registry, tracer, method, args));
  }

  private static Object invoke(Hypervisor delegate, MeterRegistry registry, Tracer tracer, Method method, Object[] args)
      throws Throwable {
    if (method.getName().equals("close")) {
      return null;
    }
    if (UNTIMED.contains(method.getName())) {
      return call(delegate, method, args);
    }
    Span span =
        tracer == null || tracer.currentSpan() == null
            ? null
            : tracer.nextSpan().name("hypervisor " + method.getName()).tag("hotclone.driver.operation", method.getName()).start();
    long t0 = System.nanoTime();
    String outcome = "success";
    try (Tracer.SpanInScope ignored = span == null ? null : tracer.withSpan(span)) {
      return call(delegate, method, args);
    } catch (Throwable t) {
      outcome = t.getClass().getSimpleName();
      if (span != null) {
        span.error(t);
      }
      throw t;
    } finally {
      if (span != null) {
        span.end();
      }
      Timer.builder(METER)
          .description("Latency of hypervisor driver calls")
          .tag("operation", method.getName())
          .tag("outcome", outcome)
          .publishPercentileHistogram()
          .register(registry)
          .record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  private static Object call(Hypervisor delegate, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
