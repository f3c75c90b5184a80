package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hotclone.events.Topics;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * One clone is one trace: the trace of the REST request that asked for it ({@code X-Trace-Id}) is
 * on every Kafka record of that clone ({@code traceparent}, on the saga topic and the lifecycle
 * topic), every record's parent span is a span a service ended, the spans of all five services
 * (and their hypervisor calls) are in that trace with the HTTP request as its only root, and the
 * log lines of the event handling carry {@code cloneId} and {@code traceId}.
 */
class TracingIT {

  private static final Set<String> SAGA =
      Set.of("CloneRequested", "StorageFrozen", "MemoryFrozen", "StateCopied", "MemoryUnfrozen",
          "StorageUnfrozen", "CloneConfigured", "CloneCompleted");
  private static final Set<String> LIFECYCLE = Set.of("io.hotclone.clone.requested", "io.hotclone.clone.completed");
  private static final Set<String> SERVICES =
      Set.of("clone-api", "storage-service", "memory-service", "transfer-service", "config-service");

  @Test
  void oneCloneIsOneTraceFromTheRestRequestThroughAllFiveServices() throws Exception {
    String source = demoVmId(); // starts the stack first: its logging set-up resets loggers and appenders
    Logger consumerLog = (Logger) LoggerFactory.getLogger("io.hotclone.support.messaging.CloneEventConsumer");
    ListAppender<ILoggingEvent> logs = new ListAppender<>() {
      @Override
      protected void append(ILoggingEvent e) {
        e.prepareForDeferredProcessing(); // the MDC of the logging thread, taken now
        super.append(e);
      }
    };
    logs.start();
    Level level = consumerLog.getLevel();
    consumerLog.setLevel(Level.DEBUG);
    consumerLog.addAppender(logs);
    String id;
    String traceId;
    try {
      HttpResponse<String> accepted = post("{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}");
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      traceId = accepted.headers().firstValue("X-Trace-Id").orElse("");
      assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
      id = TestStack.JSON.readTree(accepted.body()).path("id").asString();
      JsonNode end = TestStack.awaitEnd(TestStack.get().apiPort(), id, Duration.ofSeconds(60));
      assertThat(end.path("phase").asString()).isEqualTo("COMPLETED");
    } finally {
      consumerLog.detachAppender(logs);
      consumerLog.setLevel(level);
    }

    // every record of the clone, on both topics, carries the request's trace
    Set<String> all = new java.util.HashSet<>(SAGA);
    all.addAll(LIFECYCLE);
    List<ConsumerRecord<String, byte[]>> records = recordsOf(id, all, Duration.ofSeconds(30));
    assertThat(records.stream().map(TracingIT::type).collect(Collectors.toSet()))
        .containsAll(SAGA).containsAll(LIFECYCLE);
    List<String> traceparents = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      Header h = r.headers().lastHeader("traceparent");
      assertThat(h).as("traceparent of %s on %s", type(r), r.topic()).isNotNull();
      String tp = new String(h.value(), StandardCharsets.UTF_8);
      assertThat(tp).as(type(r)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
      traceparents.add(tp);
    }
    assertThat(traceparents.stream().map(tp -> tp.substring(3, 35)).collect(Collectors.toSet()))
        .as("trace ids of the clone's records").containsExactly(traceId);

    // the spans of all five services are in that one trace, the HTTP request its only root
    TestStack.await("spans of all five services in trace " + traceId, Duration.ofSeconds(20),
        () -> services(SpanCapture.ofTrace(traceId)).containsAll(SERVICES));
    List<SpanData> spans = SpanCapture.ofTrace(traceId);
    assertThat(services(spans)).as("services with spans in the trace; its spans: %s", spans).containsAll(SERVICES);
    List<SpanData> roots = spans.stream().filter(s -> !SpanId.isValid(s.getParentSpanId())).toList();
    assertThat(roots).as("root spans of the trace").hasSize(1);
    assertThat(roots.get(0).getName()).startsWith("http post");
    assertThat(SpanCapture.service(roots.get(0))).isEqualTo("clone-api");
    Set<String> spanIds = spans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
    assertThat(spans).allSatisfy(s ->
        assertThat(spanIds).as("parent of %s (%s)", s.getName(), SpanCapture.service(s))
            .contains(SpanId.isValid(s.getParentSpanId()) ? s.getParentSpanId() : s.getSpanId()));
    for (String tp : traceparents) {
      assertThat(spanIds).as("the span that wrote the record with %s", tp).contains(tp.substring(36, 52));
    }
    for (String service : Set.of("storage-service", "memory-service", "transfer-service", "config-service")) {
      assertThat(spans.stream().filter(s -> service.equals(SpanCapture.service(s))).map(SpanData::getName))
          .as(service).anyMatch(n -> n.startsWith("handle ")).anyMatch(n -> n.startsWith("hypervisor "));
    }
    assertThat(spans.stream().map(SpanData::getName)).contains("hypervisor freezeStorage", "hypervisor freezeMemory");

    // the log lines of handling the clone's events name the clone and the trace
    List<ILoggingEvent> handled =
        logs.list.stream().filter(e -> id.equals(e.getMDCPropertyMap().get("cloneId"))).toList();
    assertThat(handled).as("log events with cloneId %s among %s", id, logs.list.size()).hasSizeGreaterThanOrEqualTo(SAGA.size());
    assertThat(handled).allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("traceId", traceId));
  }

  @Test
  void requestsThatWaitedForTheSourceKeepTheirOwnTraces() throws Exception {
    String body = "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}";
    java.util.Map<String, String> traceOf = new java.util.LinkedHashMap<>();
    // the first clone holds the source frozen (its copy waits) while three more are asked for at once
    Runnable copy = TestStack.holdNextOperationOfTheNextClone("copy-0");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      HttpResponse<String> firstResponse = post(body);
      assertThat(firstResponse.statusCode()).as(firstResponse.body()).isEqualTo(202);
      String first = TestStack.JSON.readTree(firstResponse.body()).path("id").asString();
      traceOf.put(first, firstResponse.headers().firstValue("X-Trace-Id").orElseThrow());
      TestStack.await("the first clone's copy to be under way", Duration.ofSeconds(20),
          () -> TestStack.hypervisor().operationCalls(UUID.fromString(first)).containsKey("copy-0"));
      List<java.util.concurrent.Future<HttpResponse<String>>> posts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        posts.add(pool.submit(() -> post(body)));
      }
      for (var f : posts) {
        HttpResponse<String> r = f.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        traceOf.put(TestStack.JSON.readTree(r.body()).path("id").asString(), r.headers().firstValue("X-Trace-Id").orElseThrow());
      }
    } finally {
      copy.run();
      pool.shutdownNow();
    }
    assertThat(java.util.Set.copyOf(traceOf.values())).as("four requests, four traces").hasSize(4);
    java.util.Map<String, String> sagaOf = new java.util.HashMap<>();
    for (String id : traceOf.keySet()) {
      JsonNode end = TestStack.awaitEnd(TestStack.get().apiPort(), id, Duration.ofSeconds(60));
      assertThat(end.path("phase").asString()).isEqualTo("COMPLETED");
      sagaOf.put(id, end.path("sagaId").asString());
    }
    // the three that waited are one saga, led by one of them
    List<String> waited = List.copyOf(traceOf.keySet()).subList(1, 4);
    Set<String> sagas = waited.stream().map(sagaOf::get).collect(Collectors.toSet());
    assertThat(sagas).as("sagas of the requests that waited").hasSize(1);
    String leader = sagas.iterator().next();
    assertThat(waited).contains(leader);
    for (var e : traceOf.entrySet()) {
      boolean leads = e.getKey().equals(sagaOf.get(e.getKey()));
      Set<String> expected = new java.util.HashSet<>(LIFECYCLE);
      if (leads) {
        expected.addAll(SAGA);
      }
      List<ConsumerRecord<String, byte[]>> records = recordsOf(e.getKey(), expected, Duration.ofSeconds(30));
      assertThat(records.stream().map(TracingIT::type).collect(Collectors.toSet()))
          .as("records keyed %s (leads its saga: %s)", e.getKey(), leads).containsAll(expected);
      if (!leads) {
        assertThat(records.stream().map(TracingIT::type)).as("saga records keyed by a coalesced request").doesNotContain("CloneRequested");
      }
      assertThat(records).allSatisfy(r -> assertThat(r.headers().lastHeader("traceparent")).isNotNull());
      assertThat(records.stream()
              .map(r -> new String(r.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8).substring(3, 35))
              .collect(Collectors.toSet()))
          .as("trace ids of clone %s's records", e.getKey()).containsExactly(e.getValue());
    }
    // the saga of the requests that waited was dispatched in its leader's own trace
    String leaderTrace = traceOf.get(leader);
    TestStack.await("the dispatch span of the waiting requests' saga", Duration.ofSeconds(10),
        () -> SpanCapture.ofTrace(leaderTrace).stream().anyMatch(TracingIT::dispatched));
    assertThat(SpanCapture.ofTrace(leaderTrace)).as("spans of the leader's trace").anyMatch(TracingIT::dispatched);
  }

  private static boolean dispatched(SpanData s) {
    return s.getName().equals("dispatch CloneRequested (waited)") && "clone-api".equals(SpanCapture.service(s));
  }

  private static Set<String> services(List<SpanData> spans) {
    return spans.stream().map(SpanCapture::service).collect(Collectors.toSet());
  }

  private static HttpResponse<String> post(String json) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + TestStack.get().apiPort() + "/api/v1/clones"))
            .timeout(Duration.ofSeconds(30))
            .header("X-API-Key", TestStack.key("tenant-a"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String type(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader("hotclone_type");
    return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** The records keyed {@code id} on the saga and lifecycle topics, once those of {@code types} arrived. */
  private static List<ConsumerRecord<String, byte[]>> recordsOf(String id, Set<String> types, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().kafkaBootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "tracing-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(Topics.CLONE_EVENTS, Topics.LIFECYCLE));
      Instant deadline = Instant.now().plus(timeout);
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (id.equals(r.key())) {
            found.add(r);
          }
        }
        if (found.stream().map(TracingIT::type).collect(Collectors.toSet()).containsAll(types)) {
          return found;
        }
      }
    }
    return found;
  }
}
