package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.as;
import static io.hotclone.devstack.TestStack.await;
import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.key;
import static io.hotclone.devstack.TestStack.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Signed webhooks end to end on the test devstack (which allows 127.0.0.1/32 and retries after 200
 * ms, doubling up to 1 s, disables an endpoint after 5 consecutive failed attempts, times a request
 * out after 5 s): receivers are JDK HTTP servers on 127.0.0.1 that verify the signatures with their
 * own code and apply each event once per {@code webhook-id}.
 */
class WebhooksIT {

  private static final String CLONE_TYPES = "[\"io.hotclone.clone.*\"]";
  private final List<String> registered = new ArrayList<>();
  private final List<WebhookReceiver> receivers = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    for (String location : registered) {
      send("DELETE", location, null, Map.of());
    }
    receivers.forEach(WebhookReceiver::close);
  }

  private WebhookReceiver receiver() throws Exception {
    WebhookReceiver r = new WebhookReceiver();
    receivers.add(r);
    return r;
  }

  /** Registers {@code r} as tenant-a's endpoint for {@code types}; returns its Location. */
  private String register(WebhookReceiver r, String types) {
    TestStack.Response created = send("POST", "/api/v1/webhooks",
        "{\"url\":\"" + r.url() + "\",\"types\":" + types + "}", Map.of());
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.location()).isEqualTo("/api/v1/webhooks/" + created.body().path("id").asString());
    String secret = created.body().path("secret").asString();
    assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
    r.secret(secret);
    registered.add(created.location());
    return created.location();
  }

  private static String cloneOnce() {
    JsonNode op = TestStack.cloneAndWait("{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}");
    assertThat(op.path("phase").asString()).isEqualTo("COMPLETED");
    return op.path("id").asString();
  }

  private static List<WebhookReceiver.Received> of(WebhookReceiver r, String cloneId) {
    return r.requests().stream().filter(x -> cloneId.equals(x.event().path("subject").asString())).toList();
  }

  private static List<JsonNode> appliedOf(WebhookReceiver r, String cloneId) {
    return r.applied().stream().filter(e -> cloneId.equals(e.path("subject").asString())).toList();
  }

  private static List<JsonNode> log(String location) {
    TestStack.Response r = send("GET", location + "/deliveries", null, Map.of());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.body().forEach(out::add);
    return out;
  }

  private static JsonNode logEntry(String location, String eventId) {
    return log(location).stream().filter(d -> eventId.equals(d.path("eventId").asString())).findFirst().orElse(null);
  }

  @Test
  void aCloneSEventsArriveSignedInTheCloudEventsBindingInOrder() throws Exception {
    WebhookReceiver r = receiver();
    String location = register(r, CLONE_TYPES);
    long before = Instant.now().getEpochSecond();

    String cloneId = cloneOnce();

    await("requested and completed of " + cloneId, Duration.ofSeconds(20), () -> appliedOf(r, cloneId).size() == 2);
    List<JsonNode> events = appliedOf(r, cloneId);
    assertThat(events).extracting(e -> e.path("type").asString())
        .containsExactly("io.hotclone.clone.requested", "io.hotclone.clone.completed");
    for (WebhookReceiver.Received x : of(r, cloneId)) {
      assertThat(x.signatureValid()).as("signature of " + x.id()).isTrue();
      assertThat(x.contentType()).isEqualTo("application/cloudevents+json");
      assertThat(x.id()).isEqualTo(x.event().path("id").asString());
      assertThat(x.event().path("specversion").asString()).isEqualTo("1.0");
      assertThat(x.event().path("tenant").asString()).isEqualTo("tenant-a");
      assertThat(x.event().path("data").path("cloneId").asString()).isEqualTo(cloneId);
      assertThat(x.timestamp()).isBetween(before - 1, Instant.now().getEpochSecond() + 1);
      assertThat(x.answeredWith()).isEqualTo(204);
    }
    await("both DELIVERED in the log", Duration.ofSeconds(10), () -> log(location).stream()
        .filter(d -> events.stream().anyMatch(e -> e.path("id").asString().equals(d.path("eventId").asString())))
        .allMatch(d -> d.path("status").asString().equals("DELIVERED")));
    JsonNode completed = logEntry(location, events.get(1).path("id").asString());
    assertThat(completed.path("type").asString()).isEqualTo("io.hotclone.clone.completed");
    assertThat(completed.path("key").asString()).isEqualTo(cloneId);
    assertThat(completed.path("attempts").asInt()).isEqualTo(1);
    assertThat(completed.path("lastStatusCode").asInt()).isEqualTo(204);
    assertThat(completed.path("lastError").isNull()).isTrue();
  }

  @Test
  void a500IsRetriedWithTheSameWebhookIdAndTheReceiverAppliesTheRedeliveryOnce() throws Exception {
    WebhookReceiver r = receiver();
    r.answer(n -> n == 1 ? 500 : 200); // the first request of every id: applied, but answered 500
    String location = register(r, "[\"io.hotclone.clone.completed\"]");

    String cloneId = cloneOnce();

    await("the completed event delivered after a retry", Duration.ofSeconds(20),
        () -> of(r, cloneId).stream().anyMatch(x -> x.answeredWith() == 200));
    List<WebhookReceiver.Received> requests = of(r, cloneId);
    assertThat(requests).hasSize(2);
    assertThat(requests).extracting(WebhookReceiver.Received::answeredWith).containsExactly(500, 200);
    assertThat(requests.get(1).id()).isEqualTo(requests.get(0).id());
    assertThat(requests).allMatch(WebhookReceiver.Received::signatureValid);
    assertThat(appliedOf(r, cloneId)).hasSize(1);
    String eventId = requests.get(0).id();
    await("the log shows two attempts", Duration.ofSeconds(10),
        () -> "DELIVERED".equals(logEntry(location, eventId).path("status").asString()));
    JsonNode entry = logEntry(location, eventId);
    assertThat(entry.path("attempts").asInt()).isEqualTo(2);
    assertThat(entry.path("lastStatusCode").asInt()).isEqualTo(200);
    assertThat(entry.path("lastError").asString()).isEqualTo("HTTP 500");
  }

  @Test
  void aSlowEndpointDoesNotHoldUpDeliveryToAnother() throws Exception {
    WebhookReceiver slow = receiver();
    slow.hold();
    register(slow, CLONE_TYPES);
    WebhookReceiver fast = receiver();
    register(fast, CLONE_TYPES);

    String cloneId = cloneOnce();

    // sooner than the slow endpoint's request times out (5 s): nothing waited for it
    await("fast receiver has both events", Duration.ofSeconds(4), () -> appliedOf(fast, cloneId).size() == 2);
    assertThat(slow.blocked()).isGreaterThanOrEqualTo(1);
    assertThat(of(slow, cloneId)).isEmpty();
    slow.release();
    await("slow receiver gets both events once released", Duration.ofSeconds(30),
        () -> appliedOf(slow, cloneId).size() == 2);
    assertThat(appliedOf(slow, cloneId)).extracting(e -> e.path("type").asString())
        .containsExactly("io.hotclone.clone.requested", "io.hotclone.clone.completed");
  }

  @Test
  void anEndpointIsDisabledAfterFiveConsecutiveFailedAttemptsAndTheLogSaysWhy() throws Exception {
    WebhookReceiver r = receiver();
    r.answer(n -> 503);
    String location = register(r, CLONE_TYPES);

    String cloneId = cloneOnce();

    await("the endpoint disabled", Duration.ofSeconds(30),
        () -> send("GET", location, null, Map.of()).body().path("disabled").asBoolean());
    JsonNode endpoint = send("GET", location, null, Map.of()).body();
    assertThat(endpoint.path("consecutiveFailures").asInt()).isEqualTo(5);
    assertThat(endpoint.path("disabledReason").asString()).isEqualTo("5 consecutive failed attempts");
    assertThat(endpoint.has("secret")).isFalse();
    // in order per clone: the requested event failed five times, the completed one waits behind it
    List<WebhookReceiver.Received> requests = of(r, cloneId);
    assertThat(requests).hasSize(5);
    assertThat(requests).allMatch(x -> x.event().path("type").asString().equals("io.hotclone.clone.requested"));
    JsonNode requested = logEntry(location, requests.get(0).id());
    assertThat(requested.path("status").asString()).isEqualTo("PENDING");
    assertThat(requested.path("attempts").asInt()).isEqualTo(5);
    assertThat(requested.path("lastStatusCode").asInt()).isEqualTo(503);
    assertThat(requested.path("lastError").asString()).isEqualTo("HTTP 503");
    assertThat(requested.path("nextAttemptAt").asString()).isNotEmpty();
    assertThat(log(location)).filteredOn(d -> d.path("type").asString().equals("io.hotclone.clone.completed")
        && cloneId.equals(d.path("key").asString())).singleElement()
        .satisfies(d -> assertThat(d.path("attempts").asInt()).isZero());
    TestStack.stays("requests to a disabled endpoint", Duration.ofSeconds(2), () -> of(r, cloneId).size(), 5);
  }

  @Test
  void aDestinationOutsideTheAllowListIsRefusedWith422() {
    for (String url : List.of("http://127.0.0.2:9/hook", "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/")) {
      TestStack.Response r = send("POST", "/api/v1/webhooks",
          "{\"url\":\"" + url + "\",\"types\":" + CLONE_TYPES + "}", Map.of());
      assertThat(r.status()).as(url).isEqualTo(422);
      assertThat(r.isProblem()).as(r.text()).isTrue();
      assertThat(r.body().path("code").asString()).isEqualTo("destination-not-allowed");
      assertThat(r.body().path("field").asString()).isEqualTo("url");
      assertThat(r.body().path("detail").asString()).contains("hotclone.webhooks.allowed-destinations");
    }
    TestStack.Response types = send("POST", "/api/v1/webhooks",
        "{\"url\":\"http://127.0.0.1:9/hook\",\"types\":[\"com.example.*\"]}", Map.of());
    assertThat(types.status()).isEqualTo(422);
    assertThat(types.body().path("code").asString()).isEqualTo("invalid-types");
  }

  @Test
  void anotherTenantCannotSeeOrDeleteTheEndpoint() throws Exception {
    WebhookReceiver r = receiver();
    String location = register(r, CLONE_TYPES);
    String id = location.substring(location.lastIndexOf('/') + 1);
    Map<String, String> tenantB = as(key("tenant-b"));

    for (String path : List.of(location, location + "/deliveries")) {
      TestStack.Response seen = send("GET", path, null, tenantB);
      assertThat(seen.status()).as(path).isEqualTo(404);
      assertThat(seen.body().path("code").asString()).isEqualTo("webhook-not-found");
    }
    TestStack.Response list = send("GET", "/api/v1/webhooks", null, tenantB);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body().findValuesAsString("id")).doesNotContain(id);
    assertThat(send("DELETE", location, null, tenantB).status()).isEqualTo(404);

    assertThat(send("GET", location, null, Map.of()).status()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/webhooks", null, Map.of()).body().findValuesAsString("id")).contains(id);
    assertThat(send("DELETE", location, null, Map.of()).status()).isEqualTo(204);
    assertThat(send("GET", location, null, Map.of()).status()).isEqualTo(404);
  }

  @Test
  void theEndpointListAndTheDeliveryLogPageThroughWithACursor() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String location = register(receiver(), CLONE_TYPES);
      ids.add(location.substring(location.lastIndexOf('/') + 1));
    }
    var pages = ApiContractIT.walk("/api/v1/webhooks?limit=2");
    assertThat(pages).as("pages of 2").allSatisfy(p -> assertThat(p.size()).isLessThanOrEqualTo(2)).hasSizeGreaterThanOrEqualTo(2);
    List<String> listed = pages.stream().flatMap(List::stream).map(n -> n.path("id").asString()).toList();
    assertThat(listed).as("every endpoint once, oldest first").doesNotHaveDuplicates();
    assertThat(listed.stream().filter(ids::contains).toList()).containsExactlyElementsOf(ids);

    String cloneId = cloneOnce();
    String log = "/api/v1/webhooks/" + ids.get(0) + "/deliveries?limit=1";
    await("the clone's two deliveries in the log", Duration.ofSeconds(20),
        () -> ApiContractIT.walk(log).stream().flatMap(List::stream).filter(d -> cloneId.equals(d.path("key").asString())).count() == 2);
    var logPages = ApiContractIT.walk(log);
    assertThat(logPages).as("one delivery a page").allSatisfy(p -> assertThat(p).hasSize(1));
    assertThat(logPages.stream().map(p -> p.get(0)).filter(d -> cloneId.equals(d.path("key").asString()))
            .map(d -> d.path("type").asString()).toList())
        .as("newest first").containsExactly("io.hotclone.clone.completed", "io.hotclone.clone.requested");
  }

  @Test
  void theOpenApiDocumentDescribesTheWebhookEndpoints() {
    JsonNode paths = send("GET", "/v3/api-docs", null, Map.of()).body().path("paths");

    assertThat(paths.path("/api/v1/webhooks").has("post")).isTrue();
    assertThat(paths.path("/api/v1/webhooks").has("get")).isTrue();
    assertThat(paths.path("/api/v1/webhooks").path("post").path("responses").has("201")).isTrue();
    assertThat(paths.path("/api/v1/webhooks/{id}").has("get")).isTrue();
    assertThat(paths.path("/api/v1/webhooks/{id}").has("delete")).isTrue();
    assertThat(paths.path("/api/v1/webhooks/{id}/deliveries").has("get")).isTrue();
  }
}
