package io.hotclone.support.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.support.testing.TestTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The consumer span {@link TraceContexts#continueTrace} makes, and the MDC around it. */
class TraceContextsSpanTest {

  private final TestTracing tracing = new TestTracing();
  private final TraceContexts traces = tracing.traces();
  private final UUID cloneId = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private final UUID otherClone = UUID.fromString("99999999-2222-3333-4444-555555555555");

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void the_span_is_a_consumer_span_named_as_asked_and_tagged_with_the_clone() {
    String result = traces.continueTrace(null, "handle StorageFrozen", cloneId, () -> "done");
    assertThat(result).isEqualTo("done");
    SpanData span = tracing.ended().get(0);
    assertThat(span.getName()).isEqualTo("handle StorageFrozen");
    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("hotclone.clone_id"))).isEqualTo(cloneId.toString());
  }

  @Test
  void a_failure_is_recorded_on_the_span_which_still_ends_and_the_exception_is_rethrown() {
    assertThatThrownBy(() -> traces.continueTrace(null, "handle", cloneId, () -> {
      throw new IllegalStateException("database down");
    })).hasMessage("database down");
    assertThat(tracing.ended()).hasSize(1);
    assertThat(tracing.ended().get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(MDC.get(TraceContexts.MDC_CLONE_ID)).isNull();
  }

  @Test
  void the_clone_id_in_the_mdc_before_the_work_is_put_back_after_it() {
    // given work for one clone running inside work for another
    MDC.put(TraceContexts.MDC_CLONE_ID, otherClone.toString());
    String[] inside = new String[1];
    // when
    traces.continueTrace(null, "handle", cloneId, () -> inside[0] = MDC.get(TraceContexts.MDC_CLONE_ID));
    // then
    assertThat(inside[0]).isEqualTo(cloneId.toString());
    assertThat(MDC.get(TraceContexts.MDC_CLONE_ID)).isEqualTo(otherClone.toString());
  }

  @Test
  void work_without_a_clone_leaves_the_mdc_as_it_was() {
    MDC.put(TraceContexts.MDC_CLONE_ID, otherClone.toString());
    String[] inside = new String[1];
    TraceContexts.none().continueTrace(null, "scan", null, () -> inside[0] = MDC.get(TraceContexts.MDC_CLONE_ID));
    assertThat(inside[0]).isEqualTo(otherClone.toString());
    assertThat(MDC.get(TraceContexts.MDC_CLONE_ID)).isEqualTo(otherClone.toString());
  }
}
