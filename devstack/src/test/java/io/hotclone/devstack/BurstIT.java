package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.as;
import static io.hotclone.devstack.TestStack.key;
import static io.hotclone.devstack.TestStack.schema;
import static io.hotclone.devstack.TestStack.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Backpressure under a burst: 1,000 clone requests from three tenants at once (devstack, embedded
 * driver, limits of {@link TestStack}: 24 in flight, 12 per tenant). Every request is answered 202
 * or 429 (a problem detail with {@code Retry-After}), none 5xx; every accepted operation ends
 * COMPLETED or FAILED, exactly once (one row per accepted id, one clone VM per completed one).
 * Prints accepted, throttled and time to drain; writes them to {@code target/burst-figures.txt}.
 */
class BurstIT {

  static final int REQUESTS = 1000;
  static final int CLIENTS = 16;

  @Test
  void aBurstOfOneThousandRequestsIsAnsweredAcceptedOrThrottledAndEveryAcceptedOperationEnds() throws Exception {
    Map<String, String> keys = new java.util.LinkedHashMap<>();
    keys.put("tenant-a", key("tenant-a"));
    keys.put("tenant-b", key("tenant-b"));
    TestStack.Response c = send("POST", "/api/v1/api-keys",
        "{\"scopes\":[\"clones:read\",\"clones:write\",\"vms:read\",\"vms:write\"],\"tenant\":\"tenant-d\"}",
        as(key("admin")));
    assertThat(c.status()).as(c.text()).isEqualTo(201);
    keys.put("tenant-d", c.body().path("key").asString());
    List<String> tenants = new ArrayList<>(keys.keySet());
    Map<String, List<String>> sources = new ConcurrentHashMap<>();
    for (String t : tenants) {
      sources.put(t, List.of(TenantIsolationIT.vmOf(keys.get(t), "burst"), TenantIsolationIT.vmOf(keys.get(t), "burst")));
    }

    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String[]> accepted = new ConcurrentLinkedQueue<>(); // {tenant, id}
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    long t0 = System.nanoTime();
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      String tenant = tenants.get(i % tenants.size());
      String source = sources.get(tenant).get((i / tenants.size()) % 2);
      sent.add(pool.submit(() -> {
        TestStack.Response r = send("POST", "/api/v1/clones",
            "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}", as(keys.get(tenant)));
        statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
        if (r.status() == 202) {
          accepted.add(new String[] {tenant, r.body().path("id").asString()});
        } else if (r.status() != 429 || !r.isProblem() || r.retryAfter() == null || Integer.parseInt(r.retryAfter()) < 1
            || !r.body().path("code").asString().endsWith("too-many-in-flight")) {
          unexpected.add(r.status() + " " + r.retryAfter() + " " + r.text());
        }
      }));
    }
    for (Future<?> f : sent) {
      f.get(); // every request answered (a failed request throws here)
    }
    pool.shutdown();
    double burstSeconds = (System.nanoTime() - t0) / 1e9;

    assertThat(unexpected).as("answers other than 202 or a 429 problem with Retry-After").isEmpty();
    int throttled = statuses.getOrDefault(429, new AtomicInteger()).get();
    assertThat(accepted.size() + throttled).isEqualTo(REQUESTS);
    assertThat(throttled).as("the limits were reached").isPositive();
    assertThat(accepted).as("some requests were accepted").isNotEmpty();

    // every accepted operation ends, once
    Map<String, String> phases = new ConcurrentHashMap<>();
    TestStack.await("every accepted operation to end", Duration.ofMinutes(5), () -> {
      for (String[] a : accepted) {
        if (!phases.containsKey(a[1])) {
          JsonNode op = send("GET", "/api/v1/clones/" + a[1], null, as(keys.get(a[0]))).body();
          String phase = op.path("phase").asString();
          if ("COMPLETED".equals(phase) || "FAILED".equals(phase)) {
            phases.put(a[1], phase);
          }
        }
      }
      return phases.size() == accepted.size();
    });
    double drainSeconds = (System.nanoTime() - t0) / 1e9;
    long completed = phases.values().stream().filter("COMPLETED"::equals).count();
    long failed = phases.size() - completed;

    Set<String> ids = new HashSet<>();
    accepted.forEach(a -> ids.add(a[1]));
    assertThat(ids).as("no operation accepted twice").hasSize(accepted.size());
    List<String> allSources = sources.values().stream().flatMap(List::stream).toList();
    String in = String.join(",", allSources.stream().map(s -> "'" + s + "'").toList());
    assertThat(schema("api").queryForObject(
            "SELECT count(*) FROM clone_operations WHERE source_vm IN (" + in + ")", Integer.class))
        .as("one operation row per accepted request, none lost, none extra").isEqualTo(accepted.size());
    assertThat(schema("api").queryForObject(
            "SELECT count(*) FROM vms WHERE parent_vm IN (" + in + ")", Integer.class))
        .as("one clone per completed operation").isEqualTo((int) completed);
    assertThat(schema("api").queryForObject(
            "SELECT count(*) FROM vms c JOIN vms p ON p.id = c.parent_vm WHERE c.parent_vm IN (" + in + ")"
                + " AND c.tenant <> p.tenant", Integer.class))
        .as("every clone belongs to its source's tenant").isZero();
    assertThat(schema("api").queryForObject(
            "SELECT count(*) FROM clone_operations o JOIN vms v ON v.id = o.source_vm"
                + " WHERE o.source_vm IN (" + in + ") AND o.tenant <> v.tenant", Integer.class))
        .as("every operation belongs to its source's tenant").isZero();

    String figures = String.format(java.util.Locale.ROOT,
        "burst: %d requests from %d tenants (%d clients): %d accepted (202), %d throttled (429), other %s;"
            + " burst sent in %.1f s; all accepted ended %.1f s after the first request (%d COMPLETED, %d FAILED)",
        REQUESTS, tenants.size(), CLIENTS, accepted.size(), throttled, statuses, burstSeconds, drainSeconds,
        completed, failed);
    System.out.println(figures);
    Files.writeString(Path.of("target/burst-figures.txt"), figures + "\n");

    // leave the shared stack as light as it was
    for (String t : tenants) {
      for (String vm : schema("api").queryForList(
          "SELECT id FROM vms WHERE state <> 'GONE' AND tenant = ? AND (parent_vm IN (" + in + ") OR id IN (" + in + "))",
          String.class, t)) {
        send("DELETE", "/api/v1/vms/" + vm, null, as(keys.get(t)));
      }
    }
  }
}
