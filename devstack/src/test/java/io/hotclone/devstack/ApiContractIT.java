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

  // --- pagination, ETag, labels (API conventions) ---

  /** A GET with tenant-a's key and {@code headers}, its status, headers and body. */
  private static java.net.http.HttpResponse<String> exchange(String path, Map<String, String> headers) {
    var b = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://localhost:" + TestStack.get().apiPort() + path))
        .header("X-API-Key", TestStack.key("tenant-a")).timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    try {
      return java.net.http.HttpClient.newHttpClient().send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final java.util.regex.Pattern NEXT = java.util.regex.Pattern.compile("^<([^>]+)>; rel=\"next\"$");

  /** Every page of the list at {@code first}, following Link rel="next"; each page's items in order. */
  static java.util.List<java.util.List<JsonNode>> walk(String first) {
    java.util.List<java.util.List<JsonNode>> pages = new java.util.ArrayList<>();
    String next = first;
    while (next != null) {
      var r = exchange(next, Map.of());
      assertThat(r.statusCode()).as(next + ": " + r.body()).isEqualTo(200);
      JsonNode items = TestStack.JSON.readTree(r.body());
      assertThat(items.isArray()).as("a page is a JSON array").isTrue();
      java.util.List<JsonNode> page = new java.util.ArrayList<>();
      items.forEach(page::add);
      pages.add(page);
      next = r.headers().firstValue("Link").map(link -> {
        var m = NEXT.matcher(link);
        assertThat(m.matches()).as(link).isTrue();
        return m.group(1);
      }).orElse(null);
      assertThat(pages.size()).as("pages of " + first).isLessThan(1000);
    }
    return pages;
  }

  private static String labelledVm(String run, String extra) {
    String name = "pg-" + UUID.randomUUID().toString().substring(0, 8);
    TestStack.Response r = post("/api/v1/vms", "{\"name\":\"" + name + "\",\"host\":\"host-a\",\"memoryMiB\":4,"
        + "\"diskMiB\":16,\"labels\":{\"run\":\"" + run + "\"" + extra + "}}");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.body().path("id").asString();
  }

  @Test
  void theVmListIsWalkedPageByPageByIdWithoutDuplicatesOrGaps() {
    String run = "r" + UUID.randomUUID().toString().substring(0, 8);
    java.util.TreeSet<String> made = new java.util.TreeSet<>();
    for (int i = 0; i < 5; i++) {
      made.add(labelledVm(run, ""));
    }
    var pages = walk("/api/v1/vms?host=host-a&label=run%3D" + run + "&limit=2");
    assertThat(pages).extracting(java.util.List::size).containsExactly(2, 2, 1);
    java.util.List<String> ids = pages.stream().flatMap(java.util.List::stream).map(n -> n.path("id").asString()).toList();
    assertThat(ids).containsExactlyElementsOf(made); // sorted by id, each once, none missing
    for (JsonNode vm : pages.get(2)) {
      assertThat(vm.path("host").asString()).as("?host= kept on the next pages").isEqualTo("host-a");
    }
    // the whole list, 3 a page: strictly increasing ids (stable order, no duplicates), ours among them
    java.util.List<String> all = walk("/api/v1/vms?limit=3").stream().flatMap(java.util.List::stream)
        .map(n -> n.path("id").asString()).toList();
    assertThat(all).isSorted().doesNotHaveDuplicates().containsAll(made);
  }

  @Test
  void theCloneListIsWalkedNewestFirstWithoutDuplicatesOrGaps() {
    String run = "r" + UUID.randomUUID().toString().substring(0, 8);
    java.util.List<String> made = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      made.add(TestStack.cloneAndWait("{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1,"
          + "\"labels\":{\"run\":\"" + run + "\"}}").path("id").asString());
    }
    var pages = walk("/api/v1/clones?label=run%3D" + run + "&limit=2");
    assertThat(pages).extracting(java.util.List::size).containsExactly(2, 1);
    java.util.List<JsonNode> ops = pages.stream().flatMap(java.util.List::stream).toList();
    java.util.Collections.reverse(made); // newest first
    assertThat(ops).extracting(o -> o.path("id").asString()).containsExactlyElementsOf(made);
    assertThat(ops).extracting(o -> o.path("labels").path("run").asString()).containsOnly(run);
    java.util.List<String> all = walk("/api/v1/clones?limit=7").stream().flatMap(java.util.List::stream)
        .map(o -> o.path("requestedAt").asString() + " " + o.path("id").asString()).toList();
    assertThat(all).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(3);
    assertThat(all.stream().map(k -> java.time.Instant.parse(k.substring(0, k.indexOf(' ')))).toList())
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Test
  void aLimitOutOfRangeIsA422AndAnAlteredCursorA400Problem() {
    for (String limit : java.util.List.of("0", "1001", "-1")) {
      TestStack.Response r = get("/api/v1/vms?limit=" + limit);
      assertThat(r.status()).as(limit).isEqualTo(422);
      assertThat(r.isProblem()).as(r.text()).isTrue();
      assertThat(r.body().path("code").asString()).isEqualTo("limit-out-of-range");
      assertThat(r.body().path("field").asString()).isEqualTo("limit");
    }
    labelledVm("cursor", "");
    labelledVm("cursor", "");
    String link = exchange("/api/v1/vms?limit=1", Map.of()).headers().firstValue("Link").orElseThrow();
    String cursor = link.substring(link.indexOf("cursor=") + "cursor=".length(), link.indexOf('>'));
    char flipped = cursor.charAt(4) == 'A' ? 'B' : 'A';
    String altered = cursor.substring(0, 4) + flipped + cursor.substring(5);
    for (String bad : java.util.List.of(altered, "not-a-cursor", cursor.substring(0, cursor.length() - 2))) {
      TestStack.Response r = get("/api/v1/vms?limit=1&cursor=" + bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.isProblem()).as(r.text()).isTrue();
      assertThat(r.body().path("code").asString()).isEqualTo("invalid-cursor");
    }
    TestStack.Response otherList = get("/api/v1/clones?cursor=" + cursor);
    assertThat(otherList.status()).as("a VM cursor on the clone list").isEqualTo(400);
  }

  @Test
  void singleResourcesCarryAnETagAndIfNoneMatchAnswers304() {
    JsonNode op = TestStack.cloneAndWait("{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}");
    String path = "/api/v1/clones/" + op.path("id").asString();
    var first = exchange(path, Map.of());
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
    var again = exchange(path, Map.of("If-None-Match", etag));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers().firstValue("ETag")).contains(etag);
    assertThat(exchange(path, Map.of("If-None-Match", "\"stale\"")).statusCode()).isEqualTo(200);
    // a VM: its representation changes when it is deleted, and so does its tag
    String vm = labelledVm("etag", "");
    String live = exchange("/api/v1/vms/" + vm, Map.of()).headers().firstValue("ETag").orElseThrow();
    assertThat(TestStack.send("DELETE", "/api/v1/vms/" + vm, null, Map.of()).status()).isEqualTo(204);
    var gone = exchange("/api/v1/vms/" + vm, Map.of("If-None-Match", live));
    assertThat(gone.statusCode()).isEqualTo(200);
    assertThat(TestStack.JSON.readTree(gone.body()).path("state").asString()).isEqualTo("GONE");
    String goneTag = gone.headers().firstValue("ETag").orElseThrow();
    assertThat(goneTag).isNotEqualTo(live);
    assertThat(exchange("/api/v1/vms/" + vm, Map.of("If-None-Match", goneTag)).statusCode()).isEqualTo(304);
    var lineage = exchange("/api/v1/vms/" + vm + "/lineage", Map.of());
    assertThat(exchange("/api/v1/vms/" + vm + "/lineage",
        Map.of("If-None-Match", lineage.headers().firstValue("ETag").orElseThrow())).statusCode()).isEqualTo(304);
  }

  @Test
  void labelsAreSetShownInheritedByClonesAndFiltered() {
    String run = "r" + UUID.randomUUID().toString().substring(0, 8);
    String source = labelledVm(run, ",\"team\":\"billing\",\"example.com/env\":\"prod\"");
    assertThat(get("/api/v1/vms/" + source).body().path("labels").path("team").asString()).isEqualTo("billing");
    JsonNode op = TestStack.cloneAndWait("{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":2,"
        + "\"labels\":{\"example.com/env\":\"test\",\"job\":\"j7\"}}");
    assertThat(op.path("phase").asString()).as(op.toString()).isEqualTo("COMPLETED");
    assertThat(op.path("labels").path("job").asString()).isEqualTo("j7");
    java.util.List<String> clones = new java.util.ArrayList<>();
    op.path("cloneVmIds").forEach(id -> clones.add(id.asString()));
    assertThat(clones).hasSize(2);
    for (String clone : clones) {
      JsonNode labels = get("/api/v1/vms/" + clone).body().path("labels");
      assertThat(TestStack.JSON.convertValue(labels, Map.class)).as(clone)
          .isEqualTo(Map.of("run", run, "team", "billing", "example.com/env", "test", "job", "j7"));
    }
    var byRun = walk("/api/v1/vms?label=run%3D" + run).stream().flatMap(java.util.List::stream)
        .map(n -> n.path("id").asString()).toList();
    assertThat(byRun).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(
        java.util.stream.Stream.of(source), clones.stream()).toList());
    var anded = walk("/api/v1/vms?label=run%3D" + run + "&label=example.com%2Fenv%3Dprod").stream()
        .flatMap(java.util.List::stream).map(n -> n.path("id").asString()).toList();
    assertThat(anded).containsExactly(source);
    var ops = walk("/api/v1/clones?label=job%3Dj7&label=example.com%2Fenv%3Dtest").stream()
        .flatMap(java.util.List::stream).map(n -> n.path("id").asString()).toList();
    assertThat(ops).contains(op.path("id").asString());
    // invalid labels: 422 naming the label
    TestStack.Response badKey = post("/api/v1/vms",
        "{\"name\":\"bad-labels\",\"host\":\"host-a\",\"memoryMiB\":4,\"diskMiB\":16,\"labels\":{\"Team\":\"x\"}}");
    assertThat(badKey.status()).isEqualTo(422);
    assertThat(badKey.isProblem()).as(badKey.text()).isTrue();
    assertThat(badKey.body().path("field").asString()).isEqualTo("labels.Team");
    TestStack.Response badValue = post("/api/v1/clones", "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\","
        + "\"labels\":{\"team\":\"" + "v".repeat(64) + "\"}}");
    assertThat(badValue.status()).isEqualTo(422);
    assertThat(badValue.body().path("code").asString()).isEqualTo("invalid-label-value");
    assertThat(badValue.body().path("field").asString()).isEqualTo("labels.team");
    TestStack.Response badFilter = get("/api/v1/vms?label=no-equals-sign");
    assertThat(badFilter.status()).isEqualTo(422);
    assertThat(badFilter.body().path("field").asString()).isEqualTo("label");
  }

  @Test
  void theOpenApiDocumentShowsPagingETagsAndLabelsAndSwaggerUiIsReachable() {
    TestStack.Response anonymous = TestStack.raw(get().apiPort(), "GET", "/v3/api-docs", null, Map.of());
    assertThat(anonymous.status()).isEqualTo(200);
    JsonNode doc = anonymous.body();
    for (String list : java.util.List.of("/api/v1/vms", "/api/v1/clones", "/api/v1/hosts")) {
      JsonNode op = doc.path("paths").path(list).path("get");
      java.util.List<String> params = new java.util.ArrayList<>();
      op.path("parameters").forEach(p -> params.add(p.path("name").asString()));
      assertThat(params).as(list).contains("limit", "cursor");
      assertThat(op.path("responses").path("200").path("headers").has("Link")).as(list).isTrue();
    }
    for (String list : java.util.List.of("/api/v1/vms", "/api/v1/clones")) {
      JsonNode label = null;
      for (JsonNode p : doc.path("paths").path(list).path("get").path("parameters")) {
        label = "label".equals(p.path("name").asString()) ? p : label;
      }
      assertThat(label).as(list).isNotNull();
      assertThat(label.path("schema").path("type").asString()).isEqualTo("array");
    }
    for (String single : java.util.List.of("/api/v1/vms/{id}", "/api/v1/clones/{id}", "/api/v1/vms/{id}/lineage")) {
      JsonNode op = doc.path("paths").path(single).path("get");
      assertThat(op.path("responses").path("200").path("headers").has("ETag")).as(single).isTrue();
      assertThat(op.path("responses").has("304")).as(single).isTrue();
      assertThat(op.path("parameters").toString()).as(single).contains("If-None-Match");
    }
    for (String schema : java.util.List.of("VmView", "CreateVmBody", "CloneRequestBody", "CloneOperationView")) {
      JsonNode labels = doc.path("components").path("schemas").path(schema).path("properties").path("labels");
      assertThat(labels.path("type").asString()).as(schema).isEqualTo("object");
      assertThat(labels.path("description").asString()).as(schema).contains("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
    assertThat(doc.path("components").path("securitySchemes").path("apiKey").path("name").asString()).isEqualTo("X-API-Key");
    TestStack.Response ui = TestStack.raw(get().apiPort(), "GET", "/swagger-ui/index.html", null, Map.of());
    assertThat(ui.status()).isEqualTo(200);
    assertThat(ui.text()).contains("Swagger UI");
    TestStack.Response config = TestStack.raw(get().apiPort(), "GET", "/v3/api-docs/swagger-config", null, Map.of());
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.body().path("url").asString()).isEqualTo("/v3/api-docs");
  }
}
