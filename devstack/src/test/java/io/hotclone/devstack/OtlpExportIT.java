package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.devstack.OtlpReceiver.ReceivedSpan;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Spans leave the process: every service of the test stack exports over OTLP/HTTP (protobuf) to
 * {@link OtlpReceiver}, an endpoint configured as an operator would
 * ({@code management.opentelemetry.tracing.export.otlp.endpoint}). One clone arrives there as one
 * trace, the one {@code X-Trace-Id} named: spans of all five services (by their resource's {@code
 * service.name}), the HTTP request its only root, every other span's parent in the trace, and every
 * span the services ended in that trace among them.
 */
class OtlpExportIT {

  private static final Set<String> SERVICES =
      Set.of("clone-api", "storage-service", "memory-service", "transfer-service", "config-service");

  @Test
  void theSpansOfOneCloneReachAnOtlpReceiverAsOneTraceFromAllFiveServices() {
    OtlpReceiver receiver = OtlpReceiver.shared();
    Accepted clone = Accepted.post(demoVmId());
    String traceId = clone.traceId();
    assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    JsonNode end = TestStack.awaitEnd(TestStack.get().apiPort(), clone.id(), Duration.ofSeconds(60));
    assertThat(end.path("phase").asString()).isEqualTo("COMPLETED");

    TestStack.await("spans of all five services in trace " + traceId + " at the OTLP receiver", Duration.ofSeconds(30),
        () -> services(receiver.ofTrace(traceId)).containsAll(SERVICES));
    // every span the services ended in the trace (captured in process, as of now) arrives there
    // too, and every parent named (a parent ends after its children: it may come in a later batch)
    Set<String> ended = SpanCapture.ofTrace(traceId).stream().map(SpanData::getSpanId).collect(Collectors.toSet());
    List<ReceivedSpan> spans = new ArrayList<>();
    try {
      TestStack.await("the ended spans and their parents at the OTLP receiver", Duration.ofSeconds(30), () -> {
        spans.clear();
        spans.addAll(receiver.ofTrace(traceId));
        Set<String> ids = ids(spans);
        return ids.containsAll(ended) && spans.stream().allMatch(s -> s.isRoot() || ids.contains(s.parentSpanId()));
      });
    } catch (AssertionError timedOut) {
      // the assertions below say what is missing
    }
    assertThat(services(spans)).as("services of the spans received in the trace: %s", spans).containsAll(SERVICES);
    assertThat(ids(spans)).as("span ids received").containsAll(ended);
    List<ReceivedSpan> roots = spans.stream().filter(ReceivedSpan::isRoot).toList();
    assertThat(roots).as("root spans of the trace").hasSize(1);
    assertThat(roots.get(0).service()).isEqualTo("clone-api");
    assertThat(roots.get(0).name()).startsWith("http post");
    Set<String> ids = ids(spans);
    assertThat(spans).allSatisfy(s -> {
      assertThat(s.spanId()).matches("[0-9a-f]{16}");
      assertThat(ids).as("parent of %s (%s)", s.name(), s.service()).contains(s.isRoot() ? s.spanId() : s.parentSpanId());
    });
    for (String service : Set.of("storage-service", "memory-service", "transfer-service", "config-service")) {
      assertThat(spans.stream().filter(s -> s.service().equals(service)).map(ReceivedSpan::name))
          .as(service).anyMatch(n -> n.startsWith("handle ")).anyMatch(n -> n.startsWith("hypervisor "));
    }
    assertThat(receiver.refused()).as("requests the receiver refused").isZero();
  }

  private static Set<String> ids(List<ReceivedSpan> spans) {
    return spans.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
  }

  private static Set<String> services(List<ReceivedSpan> spans) {
    return spans.stream().map(ReceivedSpan::service).collect(Collectors.toSet());
  }
}
