package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.cloneAndWait;
import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.hypervisor;
import static io.hotclone.devstack.TestStack.schema;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.Topics;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmState;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.hypervisor.embedded.GuestCheck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * What goes wrong: a failing step ends FAILED with its reason and the source thawed (I4); an expired
 * lease thaws and fails; a redelivered event has no second effect (I6); a poison message goes to the
 * dead-letter topic and the saga goes on.
 */
class SagaFailuresIT {

  private static final String[] GROUPS = {
    "storage-service", "memory-service", "transfer-service", "config-service", "clone-api"
  };

  @Test
  void identityConflictFailsTheConfigureStepReleasesEverythingAndThawsTheSource() {
    String source = demoVmId();
    String taken = hypervisor().requireVm(new VmId(source)).identity().name();
    int vmsOnB = hypervisor().vms(new HostName("host-b")).size();

    JsonNode op = cloneAndWait(
        "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":2,"
            + "\"names\":[\"fresh-" + UUID.randomUUID() + "\",\"" + taken + "\"]}");

    assertThat(op.path("phase").asString()).isEqualTo("FAILED");
    assertThat(op.path("failedStep").asString()).isEqualTo("configure-clone");
    assertThat(op.path("failureReason").asString()).contains("identity-conflict");
    UUID cloneId = UUID.fromString(op.path("id").asString());
    assertSourceThawed(cloneId, source);
    // the clone made before the conflict was destroyed: nothing half-made stays on the target
    TestStack.await("host-b back to " + vmsOnB + " VMs", Duration.ofSeconds(10),
        () -> hypervisor().vms(new HostName("host-b")).size() == vmsOnB);
    assertThat(schema("config").queryForObject(
            "SELECT count(*) FROM identities WHERE clone_id = ? AND live", Integer.class, cloneId))
        .isZero();
  }

  /**
   * Fills host-b's pool (10.78.0.0/24) with filler identities on every address no live VM holds,
   * except {@code except} (null: none). The shared stack's earlier tests leave identities of VMs
   * they deleted, which config-service's reconciler frees within seconds: they are freed first here,
   * as the reconciler would, so no address becomes free behind the test's back.
   */
  private static int fillHostBPool(JdbcTemplate config, String except) {
    java.util.Set<String> running = new java.util.HashSet<>();
    for (var h : hypervisor().hosts()) {
      hypervisor().vms(h.name()).forEach(vm -> running.add(vm.id().value()));
    }
    for (String vm : config.queryForList("SELECT vm_id FROM identities WHERE live AND vm_id IS NOT NULL", String.class)) {
      if (!running.contains(vm) && hypervisor().findVm(new VmId(vm)).isEmpty()) {
        config.update("UPDATE identities SET live = FALSE WHERE vm_id = ? AND live", vm);
      }
    }
    return config.update(
        "INSERT INTO identities (clone_id, clone_index, name, uuid, mac, ip, hostname, smbios_serial, generation_id, network)"
            + " SELECT gen_random_uuid(), 0, 'filler-' || n, gen_random_uuid(), 'filler:' || n, '10.78.0.' || n,"
            + " 'filler-' || n, 'F', gen_random_uuid(), 'host-b' FROM generate_series(2, 254) n"
            + " WHERE NOT EXISTS (SELECT 1 FROM identities WHERE live AND ip = '10.78.0.' || n) AND '10.78.0.' || n <> ?",
        except == null ? "" : except);
  }

  /**
   * Removes the fillers and waits until clone-api has read the new count: until then it would
   * refuse the next tests' requests for host-b (the count is about a second behind by design).
   */
  private static void emptyHostBPool(JdbcTemplate config) {
    config.update("DELETE FROM identities WHERE name LIKE 'filler-%'");
    TestStack.await("clone-api to see host-b's pool emptied", Duration.ofSeconds(15), () -> freeOnHostB() > 100);
  }

  /** host-b's free addresses as clone-api last read config-service's count; -1 while unknown. */
  private static long freeOnHostB() {
    for (JsonNode h : TestStack.get("/api/v1/hosts").body()) {
      if (h.path("name").asString().equals("host-b") && h.path("ipPool").isObject()) {
        return h.path("ipPool").path("free").asLong();
      }
    }
    return -1;
  }

  /**
   * Every address of host-b's pool held by live VMs (filler identities, as other live VMs would
   * hold them), and clone-api has read config-service's count: the request is refused with a 422
   * problem that names the pool, and nothing starts (no operation, nothing frozen).
   */
  @Test
  void anExhaustedIpPoolIsRefusedAtRequestTimeAndNothingStarts() {
    String source = demoVmId();
    JdbcTemplate config = schema("config");
    try {
      assertThat(fillHostBPool(config, null)).isPositive();
      TestStack.await("clone-api to see host-b's pool full", Duration.ofSeconds(15), () -> {
        fillHostBPool(config, null);
        return freeOnHostB() == 0;
      });
      int before = TestStack.get("/api/v1/clones?sourceVm=" + source).body().size();

      TestStack.Response r = TestStack.post("/api/v1/clones", "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}");

      assertThat(r.status()).as("%s", r.body()).isEqualTo(422);
      assertThat(r.isProblem()).isTrue();
      assertThat(r.body().path("code").asString()).isEqualTo("ip-pool-exhausted");
      assertThat(r.body().path("detail").asString())
          .isEqualTo("IP pool host-b (10.78.0.0/24) of host host-b has 0 free addresses of 253; the request needs 1");
      assertThat(TestStack.get("/api/v1/clones?sourceVm=" + source).body().size()).as("no operation").isEqualTo(before);
      VmId vm = new VmId(source);
      assertThat(hypervisor().isMemoryFrozen(vm, "swap") || hypervisor().isMemoryFrozen(vm, "ram")).isFalse();
    } finally {
      emptyHostBPool(config);
    }
  }

  /**
   * One address left in host-b's pool and two requests for one clone each, both accepted (the pool
   * had one free address when each was checked): the first clone takes it and completes; the second
   * fails at the configure step with a reason that names the pool, makes nothing on host-b, keeps
   * nothing allocated, and its source is thawed.
   */
  @Test
  void requestsRacingForTheLastAddressTheLaterFailsWithTheReasonAndLeavesNothing() {
    String source = demoVmId();
    int vmsOnB = hypervisor().vms(new HostName("host-b")).size();
    JdbcTemplate config = schema("config");
    String made = null;
    try {
      assertThat(fillHostBPool(config, null)).isPositive();
      String left = config.queryForObject(
          "SELECT ip FROM identities WHERE live AND name LIKE 'filler-%' ORDER BY name DESC LIMIT 1", String.class);
      assertThat(config.update("DELETE FROM identities WHERE name LIKE 'filler-%' AND ip = ?", left)).isEqualTo(1);
      TestStack.await("clone-api to see one address left", Duration.ofSeconds(15), () -> {
        fillHostBPool(config, left);
        return freeOnHostB() == 1;
      });

      String body = "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}";
      int port = TestStack.get().apiPort();
      String first = TestStack.requestClone(port, body);
      String second = TestStack.requestClone(port, body);
      JsonNode won = TestStack.awaitEnd(port, first, Duration.ofSeconds(60));
      JsonNode lost = TestStack.awaitEnd(port, second, Duration.ofSeconds(60));

      assertThat(won.path("phase").asString()).as("%s", won).isEqualTo("COMPLETED");
      made = won.path("clones").get(0).path("vmId").asString();
      assertThat(lost.path("phase").asString()).as("%s", lost).isEqualTo("FAILED");
      assertThat(lost.path("failedStep").asString()).isEqualTo("configure-clone");
      assertThat(lost.path("failureReason").asString()).contains("IP pool host-b (10.78.0.0/24) is exhausted");
      UUID cloneId = UUID.fromString(second);
      assertSourceThawed(cloneId, source);
      assertThat(hypervisor().vms(new HostName("host-b"))).as("only the first clone on host-b").hasSize(vmsOnB + 1);
      assertThat(config.queryForObject("SELECT count(*) FROM identities WHERE clone_id = ?", Integer.class, cloneId)).isZero();
    } finally {
      if (made != null) {
        assertThat(TestStack.send("DELETE", "/api/v1/vms/" + made, null, Map.of()).status()).isEqualTo(204);
      }
      emptyHostBPool(config);
    }
  }

  /** What a clone request of a source leaves: operations, freeze leases, frozen storage or memory. */
  private record Traces(int operations, int storageLeases, int memoryLeases, boolean storageFrozen, boolean memoryFrozen) {

    static Traces of(String source) {
      VmId vm = new VmId(source);
      return new Traces(
          schema("api").queryForObject("SELECT count(*) FROM clone_operations WHERE source_vm = ?", Integer.class, source),
          schema("storage").queryForObject("SELECT count(*) FROM freeze_leases WHERE vm_id = ?", Integer.class, source),
          schema("memory").queryForObject("SELECT count(*) FROM freeze_leases WHERE vm_id = ?", Integer.class, source),
          hypervisor().isStorageFrozen(vm),
          hypervisor().isMemoryFrozen(vm, "swap") || hypervisor().isMemoryFrozen(vm, "ram"));
    }
  }

  @Test
  void unreachableTargetIsRefusedUpFrontWithNothingFrozen() {
    String source = demoVmId();
    TestStack.await("no clone operation in flight", Duration.ofSeconds(60), () -> schema("api").queryForObject(
        "SELECT count(*) FROM clone_operations WHERE phase NOT IN ('COMPLETED', 'FAILED')", Integer.class) == 0);
    Traces before = Traces.of(source);
    assertThat(before.storageFrozen() || before.memoryFrozen()).as("source frozen before the request: %s", before).isFalse();
    HostName hostB = new HostName("host-b");
    hypervisor().setHostReachable(hostB, false);
    TestStack.Response r;
    try {
      r = TestStack.post("/api/v1/clones", "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}");
    } finally {
      hypervisor().setHostReachable(hostB, true);
    }
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body().path("code").asString()).isEqualTo("host-unreachable");
    // nothing started: no operation, no freeze lease in storage or memory, nothing frozen — not only
    // at the answer but for long enough that a saga started anyway would have frozen the source
    TestStack.stays("what the refused request left of " + source, Duration.ofSeconds(3), () -> Traces.of(source), before);
  }

  @Test
  void expiredLeaseThawsTheSourceAndFailsTheClone() {
    String source = demoVmId();
    JsonNode op =
        cloneAndWait("{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1,\"leaseMillis\":1}");
    assertThat(op.path("phase").asString()).isEqualTo("FAILED");
    assertThat(op.path("failureReason").asString()).containsIgnoringCase("lease");
    assertSourceThawed(UUID.fromString(op.path("id").asString()), source);
  }

  @Test
  void copyFailingWhileMemoryIsFrozenEndsFailedAndThawsTheSource() {
    String source = demoVmId();
    InjectedFailures.failNextOperationOfTheNextClone("copy-0", "injected: target disk full");

    JsonNode op = cloneAndWait("{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}");

    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("FAILED");
    assertThat(op.path("failedStep").asString()).isEqualTo("copy-state");
    assertThat(op.path("failureReason").asString()).contains("injected: target disk full");
    UUID cloneId = UUID.fromString(op.path("id").asString());
    // the failure came after both freezes took effect: the thaw below has something to undo
    assertThat(hypervisor().operationEffects(cloneId))
        .containsEntry("freeze-storage", 1)
        .containsEntry("freeze-memory", 1)
        .doesNotContainKey("copy-0");
    assertSourceThawed(cloneId, source);
  }

  @Test
  void eventsRedeliveredDuringAndAfterTheSagaHaveNoSecondEffect() {
    String source = demoVmId();
    JsonNode op;
    int redeliveredBeforeTheEnd;
    try (KafkaProbe.Redeliverer redeliver = KafkaProbe.redeliverEach(Topics.CLONE_EVENTS)) {
      String id = TestStack.requestClone(TestStack.get().apiPort(),
          "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}");
      redeliver.only(id);
      op = TestStack.awaitEnd(TestStack.get().apiPort(), id, Duration.ofSeconds(60));
      redeliveredBeforeTheEnd = redeliver.redelivered();
      TestStack.await("all 8 saga events of " + id + " redelivered", Duration.ofSeconds(20),
          () -> redeliver.redelivered() >= 8);
    }
    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
    assertThat(redeliveredBeforeTheEnd).as("events redelivered while the saga ran").isGreaterThanOrEqualTo(5);
    String cloneId = op.path("id").asString();
    UUID id = UUID.fromString(cloneId);
    awaitAllCaughtUp();
    assertEachOperationOnce(id);
    int vmsOnB = hypervisor().vms(new HostName("host-b")).size();

    // and once more, everything, after completion
    List<ConsumerRecord<byte[], byte[]>> events =
        KafkaProbe.readAll(Topics.CLONE_EVENTS, v -> v.contains(cloneId), 16, Duration.ofSeconds(20));
    Map<String, ConsumerRecord<byte[], byte[]>> distinct = new java.util.LinkedHashMap<>();
    events.forEach(e -> distinct.putIfAbsent(new String(e.value(), StandardCharsets.UTF_8), e));
    assertThat(distinct.size()).as("distinct saga events").isEqualTo(8);
    assertThat(events.size()).as("saga events on the topic (each twice)").isEqualTo(16);
    for (ConsumerRecord<byte[], byte[]> e : distinct.values()) {
      KafkaProbe.publish(Topics.CLONE_EVENTS, e.key(), e.value());
    }
    awaitAllCaughtUp();

    assertEachOperationOnce(id);
    assertThat(hypervisor().vms(new HostName("host-b"))).hasSize(vmsOnB);
    assertThat(TestStack.get("/api/v1/clones/" + cloneId).body().path("phase").asString()).isEqualTo("COMPLETED");
    assertThat(schema("transfer").queryForObject("SELECT count(*) FROM transfers WHERE clone_id = ?", Integer.class, id))
        .isEqualTo(1);
    assertThat(schema("config").queryForObject("SELECT count(*) FROM lineage WHERE clone_id = ?", Integer.class, id))
        .isEqualTo(1);
    List<ConsumerRecord<byte[], byte[]>> completed =
        KafkaProbe.readAll(Topics.LIFECYCLE, v -> v.contains(cloneId) && v.contains("completed"), 2, Duration.ofSeconds(3));
    assertThat(completed).as("one public completed event").hasSize(1);
  }

  @Test
  void poisonMessageGoesToTheDeadLetterTopicAndTheSagaGoesOn() {
    String marker = "poison-" + UUID.randomUUID();
    KafkaProbe.publish(Topics.CLONE_EVENTS, "x".getBytes(StandardCharsets.UTF_8),
        ("{\"type\":\"CloneRequested\",\"garbage\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8));
    List<ConsumerRecord<byte[], byte[]>> dead =
        KafkaProbe.readAll(Topics.DLQ_PREFIX + "storage-service", v -> v.contains(marker), 1, Duration.ofSeconds(30));
    assertThat(dead).hasSize(1);

    JsonNode op = cloneAndWait("{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}");
    assertThat(op.path("phase").asString()).isEqualTo("COMPLETED");
  }

  /**
   * The source is not frozen any more, by what the hypervisor says rather than by the services'
   * bookkeeping: no memory tier frozen and no buffered page left, no storage freeze held, the guest
   * running and advancing, and its memory and disk exactly its own workload's history.
   */
  static void assertSourceThawed(EmbeddedHypervisor h, java.util.function.Function<String, JdbcTemplate> schema,
      UUID cloneId, String source) {
    TestStack.await("storage and memory leases of " + cloneId + " to end", Duration.ofSeconds(20), () ->
        List.of("storage", "memory").stream().allMatch(s ->
            schema.apply(s).queryForList("SELECT state FROM freeze_leases WHERE clone_id = ?", String.class, cloneId)
                .stream().noneMatch(st -> st.equals("FREEZING") || st.equals("FROZEN"))));
    VmId vm = new VmId(source);
    assertThat(h.isMemoryFrozen(vm, "swap")).as("source swap tier frozen after failure").isFalse();
    assertThat(h.isMemoryFrozen(vm, "ram")).as("source ram tier frozen after failure").isFalse();
    assertThat(h.bufferedPages(vm)).as("source pages left in write buffers").isZero();
    assertThat(h.isStorageFrozen(vm)).as("source storage frozen after failure").isFalse();
    assertThat(h.requireVm(vm).state()).isEqualTo(VmState.RUNNING);
    long before = h.requireVm(vm).guest().counter();
    TestStack.await("source guest to keep running", Duration.ofSeconds(10),
        () -> h.requireVm(vm).guest().counter() > before + 5);
    h.pauseGuest(vm);
    try {
      GuestCheck check = h.verifyGuest(vm);
      assertThat(check.mismatches()).as("source lost writes").isEmpty();
    } finally {
      h.resumeGuest(vm);
    }
  }

  private static void awaitAllCaughtUp() {
    for (String group : GROUPS) {
      KafkaProbe.awaitCaughtUp(group, Topics.CLONE_EVENTS, Duration.ofSeconds(30));
    }
  }

  /** The hypervisor was asked for each step of the saga once (inbox) and did each once (effect). */
  private static void assertEachOperationOnce(UUID cloneId) {
    Map<String, Integer> once = Map.of("freeze-storage", 1, "freeze-memory", 1, "copy-0", 1, "unfreeze-memory", 1,
        "unfreeze-storage", 1, "clone-pointer-0", 1, "configure-0", 1, "start-0", 1);
    assertThat(hypervisor().operationEffects(cloneId)).as("hypervisor effects per operation").isEqualTo(once);
    assertThat(hypervisor().operationCalls(cloneId)).as("hypervisor calls per operation (the inbox skips repeats)")
        .isEqualTo(once);
  }

  private static void assertSourceThawed(UUID cloneId, String source) {
    assertSourceThawed(hypervisor(), TestStack::schema, cloneId, source);
  }
}
