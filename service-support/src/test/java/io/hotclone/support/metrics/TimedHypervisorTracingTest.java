package io.hotclone.support.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import io.hotclone.support.testing.TestTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The wrapper around the driver: it never closes the driver it does not own, and inside a saga
 * step's span each call is a child span (an error marks it); outside any trace it makes none. The
 * driver is a stand-in that records the calls it gets.
 */
class TimedHypervisorTracingTest {

  private final List<String> calls = new ArrayList<>();
  private final TestTracing tracing = new TestTracing();
  private final Tracer tracer = tracing.tracer();
  private final String[] parentSeenByDriver = new String[1];

  private final Hypervisor driver = (Hypervisor) Proxy.newProxyInstance(
      Hypervisor.class.getClassLoader(), new Class<?>[] {Hypervisor.class}, (proxy, method, args) -> {
        calls.add(method.getName());
        Span current = tracer.currentSpan();
        parentSeenByDriver[0] = current == null ? null : current.context().parentId();
        return switch (method.getName()) {
          case "hosts" -> List.of();
          case "findVm" -> Optional.empty();
          case "requireVm" -> throw new HypervisorException.VmNotFound((VmId) args[0]);
          default -> null;
        };
      });

  @Test
  void closing_the_wrapper_leaves_the_driver_open() {
    Hypervisor timed = TimedHypervisor.wrap(driver, new SimpleMeterRegistry(), tracer);
    timed.close();
    timed.hosts();
    assertThat(calls).containsExactly("hosts");
  }

  @Test
  void inside_a_span_a_driver_call_is_a_child_span_named_after_the_operation() {
    // given a saga step's span in scope
    Hypervisor timed = TimedHypervisor.wrap(driver, new SimpleMeterRegistry(), tracer);
    Span step = tracer.nextSpan().name("handle StorageFrozen").start();
    // when
    try (Tracer.SpanInScope ignored = tracer.withSpan(step)) {
      timed.hosts();
    } finally {
      step.end();
    }
    // then the driver ran inside the child, which ended before its parent
    assertThat(parentSeenByDriver[0]).isEqualTo(step.context().spanId());
    SpanData call = tracing.ended().get(0);
    assertThat(call.getName()).isEqualTo("hypervisor hosts");
    assertThat(call.getParentSpanId()).isEqualTo(step.context().spanId());
    assertThat(call.getAttributes().get(AttributeKey.stringKey("hotclone.driver.operation"))).isEqualTo("hosts");
    assertThat(tracing.ended()).extracting(SpanData::getName).containsExactly("hypervisor hosts", "handle StorageFrozen");
  }

  @Test
  void a_failing_call_marks_its_span_as_an_error_and_the_exception_passes_through() {
    Hypervisor timed = TimedHypervisor.wrap(driver, new SimpleMeterRegistry(), tracer);
    Span step = tracer.nextSpan().name("step").start();
    try (Tracer.SpanInScope ignored = tracer.withSpan(step)) {
      assertThatThrownBy(() -> timed.requireVm(new VmId("vm-x"))).isInstanceOf(HypervisorException.VmNotFound.class);
    } finally {
      step.end();
    }
    SpanData call = tracing.ended().get(0);
    assertThat(call.getName()).isEqualTo("hypervisor requireVm");
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void outside_any_trace_a_call_makes_no_span_but_is_still_timed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Hypervisor timed = TimedHypervisor.wrap(driver, registry, tracer);
    timed.hosts();
    assertThat(tracing.ended()).isEmpty();
    assertThat(parentSeenByDriver[0]).isNull();
    assertThat(registry.get(TimedHypervisor.METER).tags("operation", "hosts", "outcome", "success").timer().count())
        .isEqualTo(1);
  }
}
