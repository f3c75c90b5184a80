package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.get;
import static io.hotclone.devstack.TestStack.post;
import static io.hotclone.devstack.TestStack.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The REST contract as the portal and autoscaling hooks see it, including RFC 9457 errors. */
class ApiContractIT {

  @Test
  void malformedJsonIsA400Problem() {
    TestStack.Response r = post("/api/v1/clones", "{\"sourceVm\": ");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.isProblem()).as(r.text()).isTrue();
    assertThat(r.body().path("code").asString()).isEqualTo("malformed-json");
  }

  @Test
  void unknownVmAndUnknownHostAre404Problems() {
    TestStack.Response vm = post("/api/v1/clones", "{\"sourceVm\":\"no-such-vm\",\"targetHost\":\"host-b\",\"count\":1}");
    assertThat(vm.status()).isEqualTo(404);
    assertThat(vm.contentType()).startsWith("application/problem+json");
    TestStack.Response host =
        post("/api/v1/clones", "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-z\",\"count\":1}");
    assertThat(host.status()).isEqualTo(404);
    assertThat(host.body().path("detail").asString()).contains("host-z");
  }

  @Test
  void invalidCountIsA422Problem() {
    TestStack.Response r =
        post("/api/v1/clones", "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":0}");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
  }

  @Test
  void sameIdempotencyKeyReturnsTheSameOperation() {
    String key = UUID.randomUUID().toString();
    String body = "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}";
    TestStack.Response first = send("POST", "/api/v1/clones", body, Map.of("Idempotency-Key", key));
    TestStack.Response second = send("POST", "/api/v1/clones", body, Map.of("Idempotency-Key", key));
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.location()).endsWith("/api/v1/clones/" + first.body().path("id").asString());
    assertThat(second.body().path("id").asString()).isEqualTo(first.body().path("id").asString());
    String id = first.body().path("id").asString();
    TestStack.await("operation " + id + " to complete", Duration.ofSeconds(60),
        () -> "COMPLETED".equals(get("/api/v1/clones/" + id).body().path("phase").asString()));
    assertThat(KafkaProbe.readAll(Topics.CLONE_EVENTS, v -> v.contains(id) && v.contains("\"CloneRequested\""), 2,
            Duration.ofSeconds(3)))
        .as("one CloneRequested for one key").hasSize(1);
  }

  @Test
  void completedCloneIsPublishedAsACloudEvent() {
    String body = "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}";
    JsonNode op = TestStack.cloneAndWait(body);
    String id = op.path("id").asString();
    var records = KafkaProbe.readAll(Topics.LIFECYCLE, v -> v.contains(id) && v.contains("completed"), 1,
        Duration.ofSeconds(20));
    assertThat(records).hasSize(1);
    JsonNode ce = TestStack.JSON.readTree(records.get(0).value());
    assertThat(ce.path("specversion").asString()).isEqualTo("1.0");
    assertThat(ce.path("type").asString()).isEqualTo("io.hotclone.clone.completed");
    assertThat(ce.path("subject").asString()).isEqualTo(id);
    assertThat(ce.path("data").path("sourceVm").asString()).isEqualTo(op.path("sourceVm").asString());
  }

  @Test
  void theAsyncApiDocumentIsServedToAuthenticatedCallers() {
    TestStack.Response doc = get("/asyncapi.yaml");
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.text()).contains("asyncapi: 3.0.0").contains("address: " + Topics.LIFECYCLE);
    TestStack.Response anonymous = TestStack.raw(get().apiPort(), "GET", "/asyncapi.yaml", null, Map.of());
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.isProblem()).as(anonymous.text()).isTrue();
  }

  @Test
  void theRequestAndEveryLifecycleCloudEventCarryThePrincipal() {
    String key = TestStack.key("tenant-a");
    String keyId = key.substring("hc_".length(), key.indexOf('_', "hc_".length()));
    JsonNode op = TestStack.cloneAndWait(
        "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}");
    String id = op.path("id").asString();
    assertThat(op.path("tenant").asString()).isEqualTo("tenant-a");
    assertThat(op.path("requestedBy").asString()).isEqualTo("dev@tenant-a");
    assertThat(op.path("keyId").asString()).isEqualTo(keyId);
    var lifecycle = KafkaProbe.readAll(Topics.LIFECYCLE, v -> v.contains(id), 3, Duration.ofSeconds(20));
    // the operation's requested and completed, and the clone VM's cloned (its data names the clone id)
    assertThat(lifecycle.stream().map(r -> TestStack.JSON.readTree(r.value()).path("type").asString()))
        .containsExactlyInAnyOrder("io.hotclone.clone.requested", "io.hotclone.clone.completed", "io.hotclone.vm.cloned");
    for (var record : lifecycle) {
      JsonNode ce = TestStack.JSON.readTree(record.value());
      assertThat(ce.path("tenant").asString()).as(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("tenant-a");
      JsonNode principal = ce.path("data").path("principal");
      assertThat(principal.path("subject").asString()).as(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("dev@tenant-a");
      assertThat(principal.path("tenant").asString()).as(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("tenant-a");
      assertThat(principal.path("keyId").asString()).as(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(keyId);
    }
    var requested = KafkaProbe.readAll(Topics.CLONE_EVENTS, v -> v.contains(id) && v.contains("\"CloneRequested\""), 1,
        Duration.ofSeconds(10));
    assertThat(requested).hasSize(1);
    JsonNode requester = TestStack.JSON.readTree(requested.get(0).value()).path("payload").path("requester");
    assertThat(requester.path("subject").asString()).isEqualTo("dev@tenant-a");
    assertThat(requester.path("tenant").asString()).isEqualTo("tenant-a");
    assertThat(requester.path("keyId").asString()).isEqualTo(keyId);
  }

  @Test
  void theSameIdempotencyKeyWithAnotherBodyIs422() {
    String key = UUID.randomUUID().toString();
    String body = "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}";
    TestStack.Response first = send("POST", "/api/v1/clones", body, Map.of("Idempotency-Key", key));
    assertThat(first.status()).isEqualTo(202);
    TestStack.Response other = send("POST", "/api/v1/clones", body.replace("\"count\":1", "\"count\":2"),
        Map.of("Idempotency-Key", key));
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.isProblem()).as(other.text()).isTrue();
    assertThat(other.body().path("code").asString()).isEqualTo("idempotency-key-reused");
    // the same body, reformatted, is the same request
    TestStack.Response again = send("POST", "/api/v1/clones", body.replace(",", " , "), Map.of("Idempotency-Key", key));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("id").asString()).isEqualTo(first.body().path("id").asString());
    TestStack.awaitEnd(get().apiPort(), first.body().path("id").asString(), Duration.ofSeconds(60));
  }

  @Test
  void progressStreamsAsServerSentEventsUntilCompleted() throws Exception {
    TestStack.Response accepted =
        post("/api/v1/clones", "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}");
    String id = accepted.body().path("id").asString();
    var request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://localhost:" + TestStack.get().apiPort() + "/api/v1/clones/" + id + "/events"))
        .header("Accept", "text/event-stream").header("X-API-Key", TestStack.key("tenant-a"))
        .timeout(Duration.ofSeconds(60)).build();
    var response = java.net.http.HttpClient.newHttpClient()
        .send(request, java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    java.util.List<String> events = response.body()
        .filter(l -> l.startsWith("event:"))
        .map(l -> l.substring("event:".length()).trim())
        .toList(); // the stream ends when the operation is terminal
    assertThat(events).startsWith("REQUESTED").endsWith("COMPLETED");
    assertThat(events).containsSubsequence("STORAGE_FROZEN", "MEMORY_FROZEN", "STATE_COPIED",
        "MEMORY_UNFROZEN", "STORAGE_UNFROZEN", "CONFIGURED", "COMPLETED");
  }

  @Test
  void operationsCanBeListedBySourceAndPhase() {
    String source = demoVmId();
    JsonNode op = TestStack.cloneAndWait("{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}");
    JsonNode list = get("/api/v1/clones?sourceVm=" + source + "&phase=COMPLETED").body();
    assertThat(list.isArray()).isTrue();
    assertThat(list.toString()).contains(op.path("id").asString());
    for (JsonNode o : list) {
      assertThat(o.path("phase").asString()).isEqualTo("COMPLETED");
    }
  }

  @Test
  void endedClonesShowInTheMetrics() {
    double before = metric("hotclone.clones.made", "COUNT");
    JsonNode op = TestStack.cloneAndWait(
        "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":2}");
    assertThat(op.path("phase").asString()).isEqualTo("COMPLETED");
    TestStack.await("the clones to be counted", Duration.ofSeconds(5),
        () -> metric("hotclone.clones.made", "COUNT") >= before + 2);
    assertThat(metric("hotclone.clone.duration", "COUNT")).isPositive();
    assertThat(metric("hotclone.source.pause", "MAX")).isPositive();
  }

  private static double metric(String name, String statistic) {
    TestStack.Response r = get("/actuator/metrics/" + name);
    if (r.status() == 404) {
      return 0;
    }
    for (JsonNode m : r.body().path("measurements")) {
      if (statistic.equals(m.path("statistic").asString())) {
        return m.path("value").asDouble();
      }
    }
    return 0;
  }

  @Test
  void openApiDocumentIsServed() {
    TestStack.Response r = get("/v3/api-docs");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("paths").has("/api/v1/clones")).isTrue();
  }
}
