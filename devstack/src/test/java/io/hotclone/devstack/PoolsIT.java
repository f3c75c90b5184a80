package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.hypervisor;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.VmId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Warm pools on the devstack: a pool fills with standby clones (identity applied, link down)
 * through ONE clone operation per refill; a claim hands one out with its link up, the caller's now,
 * and the pool refills; concurrent claims never share a clone; an empty pool says 409 {@code
 * pool-empty} with {@code Retry-After}, or a claim waits for a refill; scale changes minReady;
 * maxAge replaces old clones; DELETE drains. The reconciler runs every 0.2 s here (TestStack).
 */
class PoolsIT {

  private static final Duration FILL = Duration.ofSeconds(30);

  private static String poolName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonNode create(String name, int minReady, int maxSize, String extra) {
    TestStack.Response r = TestStack.post("/api/v1/pools", "{\"name\":\"" + name + "\",\"sourceVm\":\"" + demoVmId()
        + "\",\"minReady\":" + minReady + ",\"maxSize\":" + maxSize + extra + "}");
    assertThat(r.status()).as("%s", r.text()).isEqualTo(201);
    assertThat(r.location()).isEqualTo("/api/v1/pools/" + name);
    return r.body();
  }

  private static JsonNode pool(String name) {
    TestStack.Response r = TestStack.get("/api/v1/pools/" + name);
    assertThat(r.status()).as("%s", r.text()).isEqualTo(200);
    return r.body();
  }

  private static JsonNode awaitCounts(String name, int ready, int creating, int claimed) {
    JsonNode[] last = new JsonNode[1];
    TestStack.await("pool " + name + " ready " + ready + ", creating " + creating + ", claimed " + claimed, FILL, () -> {
      last[0] = pool(name);
      return last[0].path("ready").asInt() == ready && last[0].path("creating").asInt() == creating
          && last[0].path("claimed").asInt() == claimed;
    });
    return last[0];
  }

  private static String poolId(String name) {
    return TestStack.schema("api").queryForObject(
        "SELECT id::text FROM pools WHERE name = ? AND deleted_at IS NULL", String.class, name);
  }

  private static List<String> members(String name, String state) {
    return TestStack.schema("api").queryForList(
        "SELECT m.vm_id FROM pool_members m JOIN pools p ON p.id = m.pool_id WHERE p.name = ? AND m.state = ? ORDER BY m.vm_id",
        String.class, name, state);
  }

  private static List<Map<String, Object>> refills(String name) {
    return TestStack.schema("api").queryForList(
        "SELECT r.operation_id::text AS op, r.count, r.state FROM pool_refills r JOIN pools p ON p.id = r.pool_id"
            + " WHERE p.name = ? ORDER BY r.requested_at", name);
  }

  /** The pool's public CloudEvents (keyed by the pool id) in outbox order, of {@code type} (null: all). */
  private static List<JsonNode> poolEvents(String poolId, String type) {
    return TestStack.schema("api").queryForList(
            "SELECT body FROM outbox WHERE clone_id = ?::uuid AND topic = 'hotclone.lifecycle' AND (?::text IS NULL OR type = ?)"
                + " ORDER BY id", byte[].class, poolId, type, type)
        .stream().map(b -> (JsonNode) TestStack.JSON.readTree(b)).toList();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  private static JsonNode linkUpItem(JsonNode vm) {
    for (JsonNode item : vm.path("guestIdentity").path("items")) {
      if (item.path("name").asString().equals("link-up")) {
        return item;
      }
    }
    throw new AssertionError("no link-up item in " + vm);
  }

  private static TestStack.Response claim(String name, String query, String body) {
    return TestStack.send("POST", "/api/v1/pools/" + name + "/claims" + query, body, Map.of());
  }

  private static void drain(String name, List<String> claimed) {
    assertThat(TestStack.send("DELETE", "/api/v1/pools/" + name, null, Map.of()).status()).isEqualTo(204);
    for (String vm : claimed) {
      TestStack.send("DELETE", "/api/v1/vms/" + vm, null, Map.of());
    }
  }

  @Test
  void aPoolFillsThroughOneFreezeWithStandbyClonesAndAClaimHandsOneOutWithItsLinkUp() {
    String name = poolName("web");
    JsonNode created = create(name, 3, 4, ",\"labels\":{\"app\":\"web\"},\"placement\":\"spread\"");
    assertThat(created.path("minReady").asInt()).isEqualTo(3);
    assertThat(created.path("placement").asString()).isEqualTo("spread");

    awaitCounts(name, 3, 0, 0);
    List<Map<String, Object>> first = refills(name);
    assertThat(first).as("one refill for the three").hasSize(1);
    assertThat(first.get(0)).containsEntry("count", 3).containsEntry("state", "COMPLETED");
    UUID op = UUID.fromString((String) first.get(0).get("op"));
    assertThat(hypervisor().operationEffects(op)).as("one freeze, three clones")
        .containsEntry("freeze-storage", 1).containsEntry("freeze-memory", 1).containsEntry("start-2", 1)
        .doesNotContainKey("start-3");
    List<String> ready = members(name, "READY");
    assertThat(ready).hasSize(3);
    for (String id : ready) {
      JsonNode vm = TestStack.get("/api/v1/vms/" + id).body();
      assertThat(vm.path("state").asString()).isEqualTo("RUNNING");
      assertThat(vm.path("parentVm").asString()).isEqualTo(demoVmId());
      assertThat(vm.path("cloneId").asString()).isEqualTo(op.toString());
      assertThat(vm.path("guestIdentity").path("outcome").asString()).as("identity applied: %s", vm).isEqualTo("APPLIED");
      assertThat(linkUpItem(vm).path("status").asString()).as("standby: link held down").isEqualTo("SKIPPED");
      assertThat(hypervisor().requireVm(new VmId(id)).guestIdentity().standby()).isTrue();
      assertThat(vm.path("labels").path("hotclone.io/pool").asString()).isEqualTo(name);
      assertThat(vm.path("labels").path("app").asString()).isEqualTo("web");
    }

    // the full pool's counts published before the claim changes them (the reconciler's next pass)
    TestStack.await("counts 3/0/0 published", FILL, () -> poolEvents(poolId(name), "io.hotclone.pool.counts-changed").stream()
        .map(e -> e.path("data")).anyMatch(d -> d.path("ready").asInt() == 3 && d.path("creating").asInt() == 0));
    TestStack.Response claimed = claim(name, "", "{\"labels\":{\"owner\":\"team-a\"}}");
    assertThat(claimed.status()).as("%s", claimed.text()).isEqualTo(201);
    String vmId = claimed.body().path("id").asString();
    assertThat(ready).contains(vmId);
    assertThat(claimed.location()).isEqualTo("/api/v1/vms/" + vmId);
    assertThat(linkUpItem(claimed.body()).path("status").asString()).isEqualTo("APPLIED");
    assertThat(claimed.body().path("guestIdentity").path("outcome").asString()).isEqualTo("APPLIED");
    assertThat(claimed.body().path("labels").path("owner").asString()).isEqualTo("team-a");
    assertThat(hypervisor().requireVm(new VmId(vmId)).guestIdentity().linkUp()).isTrue();
    assertThat(TestStack.schema("api").queryForObject("SELECT claimed_by FROM pool_members WHERE vm_id = ?", String.class, vmId))
        .isEqualTo("dev@tenant-a");
    assertThat(TestStack.schema("api").queryForObject(
        "SELECT count(*) FROM outbox WHERE type = 'io.hotclone.vm.claimed' AND clone_id = ?::uuid", Integer.class, vmId))
        .as("a claimed event").isEqualTo(1);

    // the pool refills the one claimed: one more refill of count 1
    awaitCounts(name, 3, 0, 1);
    String tags = "{pool=\"" + name + "\",tenant=\"tenant-a\"}";
    TestStack.await("the pool's gauges scraped", FILL, () -> {
      String scrape = TestStack.get("/actuator/prometheus").text();
      return scrape.contains("hotclone_pool_ready" + tags + " 3.0") && scrape.contains("hotclone_pool_claimed" + tags + " 1.0")
          && scrape.contains("hotclone_pool_creating" + tags + " 0.0");
    });
    String scrape = TestStack.get("/actuator/prometheus").text();
    assertThat(scrape).as("claim latency histogram").contains("hotclone_pool_claim_seconds_count{pool=\"" + name + "\"} 1")
        .contains("hotclone_pool_claim_seconds_bucket{pool=\"" + name + "\",le=");
    assertThat(refills(name)).hasSize(2).last().satisfies(r -> assertThat(r).containsEntry("count", 1));

    // the refills and the counts as public events, keyed by the pool id
    String poolId = poolId(name);
    List<JsonNode> requested = poolEvents(poolId, "io.hotclone.pool.refill.requested");
    assertThat(requested).hasSize(2);
    JsonNode req0 = requested.get(0);
    assertThat(req0.path("subject").asString()).isEqualTo(poolId);
    assertThat(req0.path("tenant").asString()).isEqualTo("tenant-a");
    assertThat(req0.path("data").path("pool").asString()).isEqualTo(name);
    assertThat(req0.path("data").path("operationId").asString()).isEqualTo(op.toString());
    assertThat(req0.path("data").path("count").asInt()).isEqualTo(3);
    List<String> placedOn = strings(TestStack.get("/api/v1/clones/" + op).body().path("targetHosts"));
    assertThat(strings(req0.path("data").path("hosts"))).as("the hosts placement chose").hasSize(3).isEqualTo(placedOn);
    assertThat(requested.get(1).path("data").path("operationId").asString()).isEqualTo(refills(name).get(1).get("op"));
    assertThat(requested.get(1).path("data").path("count").asInt()).isEqualTo(1);
    List<JsonNode> completed = poolEvents(poolId, "io.hotclone.pool.refill.completed");
    assertThat(completed).hasSize(2);
    assertThat(completed.get(0).path("data").path("operationId").asString()).isEqualTo(op.toString());
    assertThat(strings(completed.get(0).path("data").path("clones"))).as("the clones that became ready")
        .containsExactlyInAnyOrderElementsOf(ready);
    assertThat(poolEvents(poolId, "io.hotclone.pool.refill.failed")).isEmpty();
    List<JsonNode> counts = poolEvents(poolId, "io.hotclone.pool.counts-changed");
    List<String> seen = counts.stream().map(e -> e.path("data")).map(d -> d.path("ready").asInt() + "/" + d.path("creating").asInt()
        + "/" + d.path("claimed").asInt()).toList();
    assertThat(seen).as("ready/creating/claimed published").contains("3/0/0", "3/0/1").endsWith("3/0/1");
    for (int i = 0; i < counts.size(); i++) {
      JsonNode d = counts.get(i).path("data");
      assertThat(d.path("sequence").asLong()).isEqualTo(i + 1);
      assertThat(d.path("pool").asString()).isEqualTo(name);
      String previous = d.path("previous").path("ready").asInt() + "/" + d.path("previous").path("creating").asInt() + "/"
          + d.path("previous").path("claimed").asInt();
      assertThat(previous).isEqualTo(i == 0 ? "0/0/0" : seen.get(i - 1));
      assertThat(seen.get(i)).isNotEqualTo(previous);
    }

    // a claimed clone is an ordinary VM: DELETE scales it in, and it no longer counts as claimed
    assertThat(TestStack.send("DELETE", "/api/v1/vms/" + vmId, null, Map.of()).status()).isEqualTo(204);
    awaitCounts(name, 3, 0, 0);

    // scale: replicas is minReady; up to 4 (maxSize) refills one more
    TestStack.Response scaled = TestStack.send("PUT", "/api/v1/pools/" + name + "/scale", "{\"replicas\":4}", Map.of());
    assertThat(scaled.status()).as("%s", scaled.text()).isEqualTo(200);
    assertThat(scaled.body().path("replicas").asInt()).isEqualTo(4);
    awaitCounts(name, 4, 0, 0);
    assertThat(TestStack.get("/api/v1/pools/" + name + "/scale").body().path("readyReplicas").asInt()).isEqualTo(4);
    TestStack.Response resized = TestStack.send("PUT", "/api/v1/pools/" + name, "{\"minReady\":2,\"maxSize\":6}", Map.of());
    assertThat(resized.body().path("minReady").asInt()).isEqualTo(2);
    assertThat(resized.body().path("maxSize").asInt()).isEqualTo(6);

    // DELETE drains: the ready clones are destroyed, a claimed one stays the caller's
    String kept = claim(name, "", null).body().path("id").asString();
    List<String> left = members(name, "READY");
    drain(name, List.of());
    assertThat(TestStack.get("/api/v1/pools/" + name).status()).isEqualTo(404);
    for (String id : left) {
      assertThat(hypervisor().findVm(new VmId(id))).as("ready clone %s destroyed", id).isEmpty();
    }
    assertThat(hypervisor().requireVm(new VmId(kept)).state().name()).isEqualTo("RUNNING");
    TestStack.send("DELETE", "/api/v1/vms/" + kept, null, Map.of());
  }

  @Test
  void concurrentClaimsNeverGetTheSameCloneAndTheSurplusIsToldWhenToRetry() throws Exception {
    String name = poolName("burst");
    create(name, 5, 5, "");
    awaitCounts(name, 5, 0, 0);
    // no refill during the burst: exactly the five ready ones can be claimed
    assertThat(TestStack.send("PUT", "/api/v1/pools/" + name + "/scale", "{\"replicas\":0}", Map.of()).status()).isEqualTo(200);

    int claims = 30;
    List<TestStack.Response> answers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(claims);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<CompletableFuture<TestStack.Response>> all = new ArrayList<>();
      for (int i = 0; i < claims; i++) {
        all.add(CompletableFuture.supplyAsync(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return claim(name, "", null);
        }, pool));
      }
      start.countDown();
      for (CompletableFuture<TestStack.Response> f : all) {
        answers.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> got = new ArrayList<>();
    int empty = 0;
    for (TestStack.Response r : answers) {
      if (r.status() == 201) {
        got.add(r.body().path("id").asString());
      } else {
        assertThat(r.status()).as("%s", r.text()).isEqualTo(409);
        assertThat(r.isProblem()).as("%s", r.text()).isTrue();
        assertThat(r.body().path("code").asString()).isEqualTo("pool-empty");
        assertThat(r.retryAfter()).isEqualTo("1");
        empty++;
      }
    }
    Set<String> distinct = new HashSet<>(got);
    assertThat(distinct).as("no clone handed out twice: %s", got).hasSameSizeAs(got);
    assertThat(got).hasSize(5);
    assertThat(empty).isEqualTo(claims - 5);
    assertThat(pool(name).path("claimed").asInt()).isEqualTo(5);
    drain(name, got);
  }

  @Test
  void aFailedRefillIsPublishedWithItsReasonAndNextRetryAndTheRetryCompletes() {
    InjectedFailures.failNextOperationOfTheNextClone("start-0", "injected: no CPU left");
    String name = poolName("fail");
    create(name, 1, 1, "");
    awaitCounts(name, 1, 0, 0);
    List<Map<String, Object>> r = refills(name);
    assertThat(r).extracting(m -> m.get("state")).containsExactly("FAILED", "COMPLETED");
    String poolId = poolId(name);
    List<JsonNode> failed = poolEvents(poolId, "io.hotclone.pool.refill.failed");
    assertThat(failed).hasSize(1);
    JsonNode f = failed.get(0).path("data");
    assertThat(f.path("operationId").asString()).isEqualTo(r.get(0).get("op"));
    assertThat(f.path("pool").asString()).isEqualTo(name);
    assertThat(f.path("count").asInt()).isEqualTo(1);
    assertThat(f.path("reason").asString()).contains("injected: no CPU left");
    assertThat(f.path("failures").asInt()).isEqualTo(1);
    assertThat(Instant.parse(f.path("nextRetryAt").asString())).as("the first backoff: 1 s")
        .isEqualTo(Instant.parse(f.path("at").asString()).plusSeconds(1));
    List<JsonNode> completed = poolEvents(poolId, "io.hotclone.pool.refill.completed");
    assertThat(completed).hasSize(1);
    assertThat(completed.get(0).path("data").path("operationId").asString()).isEqualTo(r.get(1).get("op"));
    assertThat(strings(completed.get(0).path("data").path("clones"))).isEqualTo(members(name, "READY"));
    assertThat(poolEvents(poolId, null).stream().map(e -> e.path("type").asString()).filter(t -> t.contains(".refill.")).toList())
        .containsExactly("io.hotclone.pool.refill.requested", "io.hotclone.pool.refill.failed",
            "io.hotclone.pool.refill.requested", "io.hotclone.pool.refill.completed");
    drain(name, List.of());
  }

  @Test
  void aClaimThatWaitsGetsTheCloneTheRefillMakes() {
    String name = poolName("wait");
    create(name, 1, 1, ",\"maxAge\":\"PT1H\"");
    awaitCounts(name, 1, 0, 0);
    String first = claim(name, "", null).body().path("id").asString();
    Instant claimedAt = Instant.now();
    TestStack.Response waited = claim(name, "?wait=PT20S", null);
    assertThat(waited.status()).as("%s", waited.text()).isEqualTo(201);
    String second = waited.body().path("id").asString();
    assertThat(second).isNotEqualTo(first);
    Instant readyAt = TestStack.schema("api").queryForObject(
        "SELECT ready_at FROM pool_members WHERE vm_id = ?", java.sql.Timestamp.class, second).toInstant();
    assertThat(readyAt).as("made by the refill after the first claim").isAfter(claimedAt.minusMillis(50));
    TestStack.Response seconds = claim(name, "?waitSeconds=10", null);
    assertThat(seconds.status()).as("%s", seconds.text()).isEqualTo(201);
    drain(name, List.of(first, second, seconds.body().path("id").asString()));
  }

  @Test
  void readyClonesOlderThanMaxAgeAreReplaced() {
    String name = poolName("age");
    create(name, 1, 1, ",\"maxAge\":\"PT2S\"");
    awaitCounts(name, 1, 0, 0);
    String old = members(name, "READY").get(0);
    TestStack.await("the old clone replaced and destroyed", FILL, () -> {
      List<String> now = members(name, "READY");
      return now.size() == 1 && !now.get(0).equals(old) && hypervisor().findVm(new VmId(old)).isEmpty();
    });
    assertThat(refills(name).size()).isGreaterThanOrEqualTo(2);
    assertThat(TestStack.get("/api/v1/vms/" + old).body().path("state").asString()).isEqualTo("GONE");
    drain(name, List.of());
  }

  @Test
  void poolsAreListedPagedAndCheckedAndAnotherTenantsPoolIsNotFound() {
    String a = poolName("list");
    String b = poolName("list");
    create(a, 0, 1, "");
    create(b, 0, 1, "");
    TestStack.Response page = TestStack.get("/api/v1/pools?limit=1");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).hasSize(1);
    assertThat(page.text()).isNotEmpty();
    TestStack.Response dup = TestStack.post("/api/v1/pools",
        "{\"name\":\"" + a + "\",\"sourceVm\":\"" + demoVmId() + "\",\"minReady\":0}");
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.body().path("code").asString()).isEqualTo("pool-exists");
    TestStack.Response bad = TestStack.post("/api/v1/pools",
        "{\"name\":\"x\",\"sourceVm\":\"" + demoVmId() + "\",\"minReady\":3,\"maxSize\":2}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body().path("field").asString()).isEqualTo("maxSize");
    TestStack.Response other = TestStack.send("GET", "/api/v1/pools/" + a, null, TestStack.as(TestStack.key("tenant-b")));
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.body().path("code").asString()).isEqualTo("pool-not-found");
    drain(a, List.of());
    drain(b, List.of());
  }

  private static String[] cli(String... args) {
    List<String> all = new ArrayList<>(List.of("--url", "http://localhost:" + TestStack.get().apiPort(),
        "--api-key", TestStack.key("tenant-a")));
    all.addAll(List.of(args));
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = io.hotclone.cli.HotcloneCli.run(all.toArray(String[]::new), new java.io.PrintWriter(out), new java.io.PrintWriter(err));
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void theCliCreatesScalesClaimsFromAndDeletesAPool() {
    String name = poolName("cli");
    String[] created = cli("pools", "create", name, "--source", demoVmId(), "--min-ready", "1", "--max-size", "2",
        "--label", "app=cli");
    assertThat(created[0]).as(created[1] + created[2]).isEqualTo("0");
    assertThat(created[1]).contains(name);
    awaitCounts(name, 1, 0, 0);
    String[] listed = cli("pools", "list");
    assertThat(listed[0]).isEqualTo("0");
    assertThat(listed[1]).contains(name);
    String[] scaled = cli("--output", "json", "pools", "scale", name, "--replicas", "2");
    assertThat(scaled[0]).as(scaled[2]).isEqualTo("0");
    assertThat(TestStack.JSON.readTree(scaled[1]).path("minReady").asInt()).isEqualTo(2);
    awaitCounts(name, 2, 0, 0);
    String[] claimed = cli("--output", "json", "claim", name, "--wait", "PT10S", "--label", "owner=cli");
    assertThat(claimed[0]).as(claimed[2]).isEqualTo("0");
    JsonNode vm = TestStack.JSON.readTree(claimed[1]);
    assertThat(vm.path("labels").path("owner").asString()).isEqualTo("cli");
    assertThat(linkUpItem(vm).path("status").asString()).isEqualTo("APPLIED");
    String[] shown = cli("--output", "json", "pools", "show", name);
    assertThat(TestStack.JSON.readTree(shown[1]).path("claimed").asInt()).isEqualTo(1);
    assertThat(cli("pools", "delete", name)[0]).isEqualTo("0");
    String[] gone = cli("pools", "show", name);
    assertThat(gone[0]).as("404 is exit 4").isEqualTo("4");
    TestStack.send("DELETE", "/api/v1/vms/" + vm.path("id").asString(), null, Map.of());
  }
}
