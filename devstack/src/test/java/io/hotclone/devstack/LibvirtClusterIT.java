package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.FaultPoints;
import io.hotclone.support.fault.HaltPoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The production shape on one machine ({@code scripts/cluster.sh}): a Kafka broker, a PostgreSQL
 * server and each of the five services as an OS process of its own, on the two real libvirt hosts,
 * cloning the running busybox guest {@code demo-1}. Then a crash campaign: in each window the
 * process that owns the next step is halted there ({@code hotclone.fault.halt-at}) and killed with
 * SIGKILL; once with it restarted (the clone must complete, resumed) and once with it never coming
 * back (the clone must fail with its step and reason within the lease plus a margin). Every case
 * checks the source is running and not paused, its chain, the files on both hosts and that no
 * second clone exists. Last, the Kafka broker and then PostgreSQL are restarted mid-saga.
 *
 * <p>Why one long class: every case runs on the one cluster this class starts (processes, broker,
 * database, two libvirt hosts, a booted guest: minutes to start); split classes would start it
 * again each.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LibvirtClusterIT {
  private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(90);
  /**
   * clone-api's operation timeout for the windows after storage is unfrozen whose service never
   * comes back: no lease is held there, only this timeout ends the saga, so each such case waits it
   * out. They run one after the other with clone-api restarted once with this timeout (the halt
   * points are reached within 15 s of the request); every other case runs with {@link #OPERATION_TIMEOUT}.
   */
  private static final Duration SHORT_OPERATION_TIMEOUT = Duration.ofSeconds(35);
  private static Duration operationTimeout = OPERATION_TIMEOUT;
  private static final long SHORT_LEASE = 8_000;
  private static final long LONG_LEASE = 150_000;
  /** Lease watchdogs run every second; CloneFailed then crosses Kafka and the release runs. */
  private static final long MARGIN_MILLIS = 15_000;
  private static final int CHAIN_BUDGET = 8;

  private static ClusterScript cluster;
  /** Where a service's {@code <name>.halt-at} file arms a halt point in the running process. */
  private static Path armDir;
  private static ClusterHosts hosts;
  private static String source;
  private static final List<String> report = new ArrayList<>();
  private static final List<Long> cleanups = new ArrayList<>();
  /** Per restarted service: its consumer's subscription to its partitions assigned, ms. */
  private static final List<Long> takeovers = new ArrayList<>();

  @BeforeAll
  static void up() {
    hosts = new ClusterHosts();
    cluster = new ClusterScript();
    // every service can be armed to halt at a point while it runs (see arm): a crash case needs
    // no restart of the service before its request
    armDir = cluster.dir().resolve("halt-at");
    try {
      Files.createDirectories(armDir);
      try (var old = Files.list(armDir)) {
        for (Path f : old.toList()) {
          Files.delete(f);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    cluster.up("--hotclone.api.operation-timeout=" + OPERATION_TIMEOUT.toSeconds() + "s",
        "--hotclone.fault.test-only=true", "--hotclone.fault.arm-dir=" + armDir,
        // the crash windows of the background snapshot (the default is live: README, Figures)
        "--hotclone.hypervisor.memory-freeze=auto");
    // every request of this test acts as tenant-a, which demo-1 belongs to (cluster.sh creates it with that key)
    TestStack.register(cluster.apiPort(), cluster.apiKey("tenant-a"));
    JsonNode demo = api("GET", "/api/v1/vms/demo-1", null).body();
    source = demo.path("id").asString();
    TestStack.await("demo-1 ticks", Duration.ofSeconds(120), () -> vm(source).path("guestCounter").asLong() >= 3);
    for (String s : List.of("clone-api", "storage-service", "memory-service", "transfer-service", "config-service")) {
      awaitPartitions(s);
    }
  }

  @AfterAll
  static void down() {
    System.out.println("=== cluster crash campaign ===");
    report.forEach(System.out::println);
    if (!takeovers.isEmpty()) {
      List<Long> sorted = takeovers.stream().sorted().toList();
      System.out.printf("restart takeover (subscribed -> partitions assigned, static membership): n=%d median %d ms, max %d ms, all %s%n",
          sorted.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), takeovers);
    }
    try {
      if (cluster != null) {
        try {
          cluster.downDeletingDemo(); // no guest left running for the tests after this one
        } catch (RuntimeException e) {
          cluster.close();
        }
      }
    } finally {
      if (hosts != null) {
        hosts.close();
      }
    }
  }

  @Test
  @Order(1)
  void theFiveProcessesCloneTheRunningGuestAndTheCloneContinuesFromTheCut() {
    long t0 = System.nanoTime();
    String id = requestClone(LONG_LEASE);
    JsonNode op = awaitEnd(id, Duration.ofSeconds(150));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
    assertThat(op.path("sourcePauseMicros").asLong()).as("pause measured from lifecycle events").isPositive();
    JsonNode src = vm(source);
    JsonNode clone = vm(op.path("clones").get(0).path("vmId").asString());
    assertThat(clone.path("state").asString()).isEqualTo("RUNNING");
    assertThat(clone.path("host").asString()).isEqualTo("host-b");
    for (String field : List.of("name", "uuid", "mac")) {
      assertThat(identity(clone, field)).as(field).isNotBlank().isNotEqualTo(identity(src, field));
    }
    // demo-1 is the agent guest: its clone got its identity inside the guest, link up only after
    assertThat(clone.path("guestIdentity").path("outcome").asString()).as("guest identity %s", clone.path("guestIdentity")).isEqualTo("APPLIED");
    assertThat(op.path("clones").get(0).path("ip").asString()).as("the IP the guest reports").isEqualTo(clone.path("ip").asString()).isNotBlank();

    Path srcLog = hosts.dirA.resolve("demo-1.serial.log");
    Path cloneLog = hosts.dirB.resolve(identity(clone, "name") + ".serial.log");
    TestStack.await("clone ticks", Duration.ofSeconds(60), () -> ClusterHosts.ticks(cloneLog).size() >= 3);
    List<Long> cloneTicks = ClusterHosts.ticks(cloneLog);
    for (int i = 1; i < cloneTicks.size(); i++) {
      assertThat(cloneTicks.get(i)).as("clone ticks one by one").isEqualTo(cloneTicks.get(i - 1) + 1);
    }
    long first = cloneTicks.get(0);
    long atCut = first - 1; // the guest's counter at the cut: the clone prints the next value
    String base = hosts.shared.resolve(source + "." + id + ".storage.qcow2").toString();
    String baseSha = ClusterHosts.sha256(Path.of(base));
    // the source printed the value at the cut, and its disk frozen at the cut holds exactly its
    // ticks up to then (the guest prints a tick, then writes it: the cut may fall in between)
    assertThat(ClusterHosts.tickLine(srcLog, atCut)).as("the source printed tick %d", atCut).isPresent();
    String onBase = ClusterHosts.sector(base, atCut);
    long lastOnBase = onBase.isEmpty() ? atCut - 1 : atCut;
    assertThat(ClusterHosts.sector(base, lastOnBase))
        .as("the base frozen at the cut holds the source's tick %d", lastOnBase)
        .isEqualTo(ClusterHosts.tickLine(srcLog, lastOnBase).orElseThrow());
    assertThat(ClusterHosts.sector(base, atCut + 1)).as("nothing after the cut on the base").isEmpty();
    assertThat(first).as("the clone's first tick is the source's value at the cut plus one").isEqualTo(atCut + 1);

    long common = first + 2;
    TestStack.await("both tick past " + common, Duration.ofSeconds(60),
        () -> vm(source).path("guestCounter").asLong() > common && vm(clone.path("id").asString()).path("guestCounter").asLong() > common);
    String srcTick = ClusterHosts.sector(vm(source).path("storagePointer").asString(), common);
    String cloneTick = ClusterHosts.sector(vm(clone.path("id").asString()).path("storagePointer").asString(), common);
    // each disk holds what its own guest wrote (the line its serial log shows for that tick): the
    // writes after the cut went to each VM's own overlay (their random parts differ unless both
    // kernels drew the same bytes, which a clone's reseed makes unlikely but not impossible)
    assertThat(srcTick).as("the source's own tick %d", common).isEqualTo(ClusterHosts.tickLine(srcLog, common).orElseThrow());
    assertThat(cloneTick).as("the clone's own tick %d", common).isEqualTo(ClusterHosts.tickLine(cloneLog, common).orElseThrow());
    assertThat(ClusterHosts.sha256(Path.of(base))).as("the shared base is unchanged").isEqualTo(baseSha);
    assertThat(hosts.orphansOf(UUID.fromString(id))).isEmpty();
    org.springframework.jdbc.core.JdbcTemplate memory = new org.springframework.jdbc.core.JdbcTemplate(
        new org.springframework.jdbc.datasource.SingleConnectionDataSource(
            "jdbc:postgresql://localhost:" + cluster.postgresPort() + "/postgres?currentSchema=memory", "postgres", "postgres", true));
    assertThat(memory.queryForObject("SELECT tier_order FROM memory_freezes WHERE clone_id = ?", String.class, UUID.fromString(id)))
        .as("memory-service's freeze (memory-freeze auto) took the background snapshot")
        .isEqualTo("devices,vcpu,ram-write-protected");
    report.add(String.format("happy path: COMPLETED in %d ms (request to end, client side), pause %d us, clone first tick %d = cut %d + 1",
        millis, op.path("sourcePauseMicros").asLong(), first, atCut));
    deleteVm(clone.path("id").asString());
  }

  // --- the crash campaign: one window per pair of tests ----------------------------------------

  @Test
  @Order(10)
  void storageFrozenAndCommitted_memoryServiceKilled_restarted() {
    crash("memory-service", HaltPoints.BEFORE_FREEZE_MEMORY, true);
  }

  @Test
  @Order(11)
  void storageFrozenAndCommitted_memoryServiceKilled_neverBack() {
    crash("memory-service", HaltPoints.BEFORE_FREEZE_MEMORY, false);
  }

  @Test
  @Order(20)
  void memoryFrozenEventNotPublished_memoryServiceKilled_restarted() {
    crash("memory-service", HaltPoints.MEMORY_FROZEN_UNPUBLISHED, true);
  }

  @Test
  @Order(21)
  void memoryFrozenEventNotPublished_memoryServiceKilled_neverBack() {
    crash("memory-service", HaltPoints.MEMORY_FROZEN_UNPUBLISHED, false);
  }

  @Test
  @Order(30)
  void duringTheCopy_transferServiceKilled_restarted() {
    crash("transfer-service", HaltPoints.DURING_COPY, true);
  }

  @Test
  @Order(31)
  void duringTheCopy_transferServiceKilled_neverBack() {
    crash("transfer-service", HaltPoints.DURING_COPY, false);
  }

  @Test
  @Order(40)
  void copiedMemoryNotUnfrozen_memoryServiceKilled_restarted() {
    crash("memory-service", HaltPoints.BEFORE_UNFREEZE_MEMORY, true);
  }

  @Test
  @Order(41)
  void copiedMemoryNotUnfrozen_memoryServiceKilled_neverBack() {
    crash("memory-service", HaltPoints.BEFORE_UNFREEZE_MEMORY, false);
  }

  @Test
  @Order(50)
  void cloneDefinedNotConfigured_configServiceKilled_restarted() {
    crash("config-service", HaltPoints.CLONE_DEFINED, true);
  }

  @Test
  @Order(60)
  void cloneDefinedNotConfigured_configServiceKilled_neverBack() {
    crash("config-service", HaltPoints.CLONE_DEFINED, false);
  }

  // --- inside the clone's start (config-service, in the libvirt driver) ---------------------------

  /**
   * The copied-lease window: config-service halts right after the clone was restored (paused, its
   * links not yet down) and stays halted past the deadline of the source's freeze lease. No
   * watchdog may resume the clone (it carries no lease of its source): it stays paused, then
   * config-service is killed and restarted, and the clone ends COMPLETED, running, image deleted.
   */
  @Test
  @Order(52)
  void cloneRestoredPastTheSourcesLease_configServiceKilled_restarted() {
    crash("config-service", FaultPoints.START_RESTORED, true, SHORT_LEASE);
  }

  @Test
  @Order(61)
  void cloneRestoredLinksNotDown_configServiceKilled_neverBack() {
    crash("config-service", FaultPoints.START_RESTORED, false);
  }

  @Test
  @Order(54)
  void cloneLinksDownNotResumed_configServiceKilled_restarted() {
    crash("config-service", FaultPoints.START_LINKS_DOWN, true);
  }

  @Test
  @Order(62)
  void cloneLinksDownNotResumed_configServiceKilled_neverBack() {
    crash("config-service", FaultPoints.START_LINKS_DOWN, false);
  }

  @Test
  @Order(56)
  void cloneResumedIdentifiedNotCleanedUp_configServiceKilled_restarted() {
    crash("config-service", FaultPoints.START_IDENTIFIED, true);
  }

  @Test
  @Order(63)
  void cloneResumedIdentifiedNotCleanedUp_configServiceKilled_neverBack() {
    crash("config-service", FaultPoints.START_IDENTIFIED, false);
  }

  /**
   * Two memory-service instances in one consumer group; the one that froze memory is killed before
   * it published MemoryFrozen: the other instance takes over the partition and finishes the clone
   * from the freeze recorded on the source (no second snapshot, one clone).
   */
  @Test
  @Order(70)
  void twoMemoryServiceInstances_theOneThatFroze_killed_theOtherFinishesTheClone() {
    useOperationTimeout(OPERATION_TIMEOUT);
    Set<String> domainsBefore = hosts.domains();
    try {
      cluster.start("memory-service@2");
      cluster.awaitLogLine("memory-service@2", "partitions assigned: \\[hotclone", Duration.ofSeconds(120));
      cluster.stop("memory-service");
      cluster.start("memory-service", "--hotclone.fault.test-only=true", "--hotclone.fault.halt-at=" + HaltPoints.MEMORY_FROZEN_UNPUBLISHED);
      cluster.awaitLogLine("memory-service", "partitions assigned: \\[hotclone", Duration.ofSeconds(120));
      for (int attempt = 1; attempt <= 8; attempt++) {
        String id = requestClone(LONG_LEASE);
        String where = awaitHaltOrEnd(id);
        if (where.equals("COMPLETED")) {
          // the other instance owned this clone's partition: clean up and try another key
          deleteVm(api("GET", "/api/v1/clones/" + id, null).body().path("clones").get(0).path("vmId").asString());
          continue;
        }
        List<String> chainAtCut = hosts.chain(source);
        cluster.kill("memory-service");
        JsonNode op = awaitEnd(id, Duration.ofSeconds(120));
        assertThat(op.path("phase").asString()).as("the other instance finished it: %s", op).isEqualTo("COMPLETED");
        assertThat(hosts.chain(source).get(0))
            .as("no second memory snapshot: the source still writes the cut overlay of the killed instance's freeze")
            .isEqualTo(chainAtCut.get(0));
        Set<String> newDomains = new java.util.TreeSet<>(hosts.domains());
        newDomains.removeAll(domainsBefore);
        assertThat(newDomains).containsExactly(op.path("clones").get(0).path("name").asString());
        assertThat(hosts.orphansOf(UUID.fromString(id))).isEmpty();
        assertThat(hosts.domstate(hosts.uriA, "demo-1")).startsWith("running");
        report.add(String.format("two memory-service instances, the freezing one killed (attempt %d): COMPLETED by the other, freeze %s ms",
            attempt, op.path("freezeMillis").asString("-")));
        deleteVm(op.path("clones").get(0).path("vmId").asString());
        return;
      }
      throw new AssertionError("no clone reached the halted instance in 8 attempts");
    } finally {
      cluster.stop("memory-service@2");
      if (cluster.pid("memory-service").isPresent()) {
        cluster.stop("memory-service");
      }
      cluster.start("memory-service");
      awaitPartitions("memory-service");
    }
  }

  /**
   * Arms {@code point} in the running {@code service}: its next thread to reach it halts there (the
   * service reads {@code <arm-dir>/<service>.halt-at} at every halt point).
   */
  private static void arm(String service, String point) {
    try {
      Files.writeString(armDir.resolve(service + ".halt-at"), point);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void disarm(String service) {
    try {
      Files.deleteIfExists(armDir.resolve(service + ".halt-at"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Restarts clone-api with {@code timeout} as its operation timeout, unless it has it already. */
  private static void useOperationTimeout(Duration timeout) {
    if (timeout.equals(operationTimeout)) {
      return;
    }
    cluster.stop("clone-api");
    cluster.start("clone-api", "--hotclone.api.operation-timeout=" + timeout.toSeconds() + "s");
    awaitPartitions("clone-api");
    operationTimeout = timeout;
  }

  /** "HALTED" when memory-service halted on this clone, else the clone's end phase. */
  private static String awaitHaltOrEnd(String id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      String phase = api("GET", "/api/v1/clones/" + id, null).body().path("phase").asString();
      if (phase.equals("COMPLETED") || phase.equals("FAILED")) {
        return phase;
      }
      try {
        cluster.awaitLogLine("memory-service", HaltPoints.MARKER, Duration.ofMillis(300));
        return "HALTED";
      } catch (IllegalStateException notYet) {
        // keep waiting
      }
    }
    throw new AssertionError("clone " + id + " neither halted nor ended");
  }

  // --- infrastructure restarted mid-saga --------------------------------------------------------

  @Test
  @Order(80)
  void kafkaBrokerRestartedMidSaga_nothingLostNothingDoubled() {
    infrastructureRestartMidSaga("kafka");
  }

  @Test
  @Order(81)
  void postgresRestartedMidSaga_nothingLostNothingDoubled() {
    infrastructureRestartMidSaga("postgres");
  }

  /**
   * Halts {@code service} at {@code point}, kills it there with SIGKILL, restarts it or not, and
   * checks how the operation ended and what the hosts hold.
   */
  private void crash(String service, String point, boolean comesBack) {
    crash(service, point, comesBack, comesBack ? LONG_LEASE : SHORT_LEASE);
  }

  private void crash(String service, String point, boolean comesBack, long lease) {
    try {
      crashIn(service, point, comesBack, lease);
    } finally {
      disarm(service);
      if (cluster.pid(service).isEmpty()) {
        cluster.start(service); // the next case needs the whole cluster, whatever this one did
      }
    }
  }

  private void crashIn(String service, String point, boolean comesBack, long lease) {
    // after storage is unfrozen no lease is held: only the operation timeout ends the saga
    boolean afterUnfreeze = point.equals(HaltPoints.CLONE_DEFINED) || FaultPoints.ALL.contains(point);
    useOperationTimeout(afterUnfreeze && !comesBack ? SHORT_OPERATION_TIMEOUT : OPERATION_TIMEOUT);
    List<String> chainBefore = hosts.chain(source);
    List<String> filesBefore = hosts.files();
    Set<String> domainsBefore = hosts.domains();
    arm(service, point);

    long t0 = System.nanoTime();
    String id = requestClone(lease);
    UUID cloneId = UUID.fromString(id);
    cluster.awaitLogLine(service, HaltPoints.MARKER + " " + point, Duration.ofSeconds(120));
    String held = "";
    if (point.equals(FaultPoints.START_RESTORED)) {
      held = holdsPaused(domainsBefore, t0, lease);
    }
    cluster.kill(service);
    disarm(service); // the service's next start runs through
    long killedAfter = (System.nanoTime() - t0) / 1_000_000;
    String takeover = "";
    if (comesBack) {
      long restartAt = System.nanoTime();
      cluster.start(service);
      takeover = takeover(service, restartAt);
    }
    JsonNode op = awaitEnd(id, OPERATION_TIMEOUT.plusSeconds(60));
    long endedAfter = (System.nanoTime() - t0) / 1_000_000;
    String phase = op.path("phase").asString();

    String state = hosts.domstate(hosts.uriA, "demo-1");
    assertThat(state).as("the source runs, not paused").startsWith("running");
    assertThat(hosts.freezeState(source, cloneId)).as("no freeze of the clone held").isNotEqualTo(Optional.of("HELD"));
    assertThat(hosts.chain(source).size()).as("source chain within budget").isLessThanOrEqualTo(CHAIN_BUDGET);

    if (comesBack) {
      assertThat(phase).as("resumed after the restart: %s", op).isEqualTo("COMPLETED");
      assertThat(hosts.orphansOf(cloneId)).as("no file of the clone outside a live disk chain").isEmpty();
      Set<String> newDomains = new java.util.TreeSet<>(hosts.domains());
      newDomains.removeAll(domainsBefore);
      assertThat(op.path("clones").size()).isEqualTo(1);
      String cloneName = op.path("clones").get(0).path("name").asString();
      assertThat(newDomains).as("exactly one clone").containsExactly(cloneName);
      assertThat(ClusterHosts.virsh(hosts.uriB, "domstate", cloneName).trim()).isEqualTo("running");
      if (FaultPoints.ALL.contains(point)) {
        // inside the start: the repeated start finished it, and it runs (prints ticks) now
        Path cloneLog = hosts.dirB.resolve(cloneName + ".serial.log");
        int ticksAtEnd = ClusterHosts.ticks(cloneLog).size();
        TestStack.await(cloneName + " ticks after COMPLETED", Duration.ofSeconds(20), () -> ClusterHosts.ticks(cloneLog).size() > ticksAtEnd);
        assertThat(hosts.files()).as("no state image of the clone left").noneMatch(f -> f.contains(id) && f.endsWith(".state.img"));
      }
      deleteVm(op.path("clones").get(0).path("vmId").asString());
    } else {
      assertThat(phase).as("failed: %s", op).isEqualTo("FAILED");
      assertThat(op.path("failedStep").asString()).isNotBlank();
      assertThat(op.path("failureReason").asString()).isNotBlank();
      long bound = (afterUnfreeze ? operationTimeout.toMillis() : lease) + MARGIN_MILLIS;
      assertThat(endedAfter).as("ended within the lease (or operation timeout) plus the margin").isLessThanOrEqualTo(bound);
      // FAILED is published while the services release: the source is as before within the margin
      long cleanFrom = System.nanoTime();
      eventually(MARGIN_MILLIS, () -> {
        assertThat(hosts.domains()).as("no clone domain left").isEqualTo(domainsBefore);
        assertSourceAsBefore(cloneId, chainBefore, filesBefore);
      });
      long cleanAfter = (System.nanoTime() - cleanFrom) / 1_000_000;
      cleanups.add(cleanAfter);
      // the service comes back at last: replaying its backlog must not freeze or create anything
      cluster.start(service);
      awaitPartitions(service);
      // ...all of it: the service has committed up to the end of the topic (its whole backlog)
      KafkaProbe.awaitCaughtUp("localhost:" + cluster.kafkaPort(), service, io.hotclone.events.Topics.CLONE_EVENTS, Duration.ofSeconds(60));
      assertThat(hosts.domains()).as("no clone made by the late service").isEqualTo(domainsBefore);
      assertSourceAsBefore(cloneId, chainBefore, filesBefore);
      assertThat(hosts.domstate(hosts.uriA, "demo-1")).startsWith("running");
    }
    awaitPartitions(service);
    report.add(String.format("%-28s %-16s %-7s %-9s killed at %6d ms, ended at %6d ms, clean %s ms after, step=%s reason=%s freeze=%s ms pause=%s us, source %s%s%s",
        point, service, comesBack ? "restart" : "never", phase, killedAfter, endedAfter,
        comesBack ? "-" : String.valueOf(cleanups.get(cleanups.size() - 1)),
        op.path("failedStep").asString(""), abbreviate(op.path("failureReason").asString("")),
        op.path("freezeMillis").asString("-"), op.path("sourcePauseMicros").asString("-"), state, held, takeover));
  }

  /**
   * The clone restored on host-b while its start is halted: it must stay paused until well past
   * the deadline of its source's freeze lease (what a watchdog acting on a copied lease would
   * resume). Returns the report's note.
   */
  private static String holdsPaused(Set<String> domainsBefore, long t0, long leaseMillis) {
    Set<String> made = new java.util.TreeSet<>(hosts.domains());
    made.removeAll(domainsBefore);
    assertThat(made).as("the restored clone").hasSize(1);
    String name = made.iterator().next();
    assertThat(ClusterHosts.virsh(hosts.uriB, "dumpxml", name)).as("the clone's live XML").doesNotContain("urn:hotclone:freeze:1");
    long until = t0 + (leaseMillis + 4_000) * 1_000_000;
    int looks = 0;
    while (System.nanoTime() < until) {
      assertThat(hosts.domstate(hosts.uriB, name))
          .as("the clone held after its restore, %d ms after the request (lease %d ms)", (System.nanoTime() - t0) / 1_000_000, leaseMillis)
          .startsWith("paused");
      looks++;
      sleep(500);
    }
    return String.format(", clone paused at %d looks until lease+4 s", looks);
  }

  /**
   * How fast the restarted instance took its partitions back: from its consumer's subscription to
   * its partitions assigned (log timestamps), and from the restart command to the assignment.
   */
  private static String takeover(String service, long restartAt) {
    String subscribed = cluster.awaitLogLine(service, "Subscribed to topic\\(s\\): " + java.util.regex.Pattern.quote(io.hotclone.events.Topics.CLONE_EVENTS), Duration.ofSeconds(120));
    String assigned = cluster.awaitLogLine(service, "partitions assigned: \\[[^\\]]*hotclone\\.clone-events", Duration.ofSeconds(120));
    long toAssigned = (System.nanoTime() - restartAt) / 1_000_000;
    long joinMillis = java.time.Duration.between(logInstant(subscribed), logInstant(assigned)).toMillis();
    takeovers.add(joinMillis);
    return String.format(", takeover: subscribed -> partitions assigned %d ms (restart command -> assigned %d ms)", joinMillis, toAssigned);
  }

  /** The timestamp a Spring Boot log line starts with. */
  private static java.time.Instant logInstant(String line) {
    return java.time.OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
  }

  /** Retries {@code check} until it passes, failing with its last error after {@code millis}. */
  private static void eventually(long millis, Runnable check) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleep(250);
      }
    }
  }

  private static void assertSourceAsBefore(UUID cloneId, List<String> chainBefore, List<String> filesBefore) {
    List<String> chain = hosts.chain(source);
    if (chainBefore.size() + 2 <= CHAIN_BUDGET) {
      assertThat(chain).as("the source's chain as before the clone").isEqualTo(chainBefore);
      assertThat(hosts.files()).as("the same files on both hosts as before the clone").isEqualTo(filesBefore);
    } else {
      // the freeze first flattened the chain (it would have passed the budget): within budget
      assertThat(chain.size()).isLessThanOrEqualTo(CHAIN_BUDGET);
    }
    assertThat(hosts.orphansOf(cloneId)).isEmpty();
  }

  /**
   * Stops memory-service so the saga waits at STORAGE_FROZEN with its event in Kafka, restarts the
   * broker or PostgreSQL (SIGKILL, then start), starts memory-service: the clone completes once,
   * with one clone and one lifecycle event of each kind.
   */
  private void infrastructureRestartMidSaga(String component) {
    useOperationTimeout(OPERATION_TIMEOUT);
    try {
      restartMidSaga(component);
    } finally {
      for (String c : List.of(component, "memory-service")) {
        if (cluster.pid(c).isEmpty()) {
          cluster.start(c);
        }
      }
    }
  }

  private void restartMidSaga(String component) {
    Set<String> domainsBefore = hosts.domains();
    cluster.stop("memory-service");
    long t0 = System.nanoTime();
    String id = requestClone(LONG_LEASE);
    TestStack.await("STORAGE_FROZEN", Duration.ofSeconds(60),
        () -> "STORAGE_FROZEN".equals(api("GET", "/api/v1/clones/" + id, null).body().path("phase").asString()));
    cluster.kill(component);
    cluster.start(component);
    cluster.start("memory-service");
    JsonNode op;
    try {
      op = awaitEnd(id, OPERATION_TIMEOUT.plusSeconds(30));
    } catch (AssertionError e) {
      dumpThreads("clone-api", "memory-service", "storage-service");
      throw e;
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
    assertThat(op.path("clones").size()).isEqualTo(1);
    Set<String> newDomains = new java.util.TreeSet<>(hosts.domains());
    newDomains.removeAll(domainsBefore);
    assertThat(newDomains).as("exactly one clone").containsExactly(op.path("clones").get(0).path("name").asString());
    List<String[]> records = lifecycleRecords(id, 2);
    // the outbox relay delivers at least once: a record whose broker ack came while PostgreSQL was
    // down is sent again, with the same CloudEvents id and content (consumers dedupe on source+id)
    Map<String, String> byId = new java.util.LinkedHashMap<>();
    for (String[] r : records) {
      String earlier = byId.putIfAbsent(r[0], r[2]);
      assertThat(earlier == null || earlier.equals(r[2])).as("a redelivered CloudEvent is the same event: %s", r[0]).isTrue();
    }
    List<String> lifecycle = byId.values().stream().map(v -> TestStack.JSON.readTree(v).path("type").asString()).toList();
    assertThat(lifecycle).as("each lifecycle event once (by id)").containsExactlyInAnyOrder("io.hotclone.clone.requested", "io.hotclone.clone.completed");
    assertThat(hosts.domstate(hosts.uriA, "demo-1")).startsWith("running");
    assertThat(hosts.orphansOf(UUID.fromString(id))).isEmpty();
    report.add(String.format("%-8s restarted mid-saga: COMPLETED in %d ms, 1 clone, lifecycle events %s (%d records for %d ids)",
        component, millis, lifecycle, records.size(), byId.size()));
    deleteVm(op.path("clones").get(0).path("vmId").asString());
    awaitPartitions("memory-service");
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Thread dumps of cluster services into the test output (diagnosing a hang). */
  private static void dumpThreads(String... services) {
    for (String s : services) {
      cluster.pid(s).ifPresent(pid -> {
        try {
          Process p = new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
          String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          p.waitFor();
          System.out.println("=== threads of " + s + " (pid " + pid + ") ===\n" + out);
        } catch (java.io.IOException | InterruptedException e) {
          System.out.println("no thread dump of " + s + ": " + e);
        }
      });
    }
  }

  private static String requestClone(long leaseMillis) {
    TestStack.Response r = api("POST", "/api/v1/clones",
        "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1,\"leaseMillis\":" + leaseMillis + "}");
    assertThat(r.status()).as("POST /api/v1/clones: %s", r.body()).isEqualTo(202);
    return r.body().path("id").asString();
  }

  private static JsonNode awaitEnd(String id, Duration timeout) {
    JsonNode[] last = new JsonNode[1];
    TestStack.await("clone " + id + " to end", timeout, () -> {
      last[0] = api("GET", "/api/v1/clones/" + id, null).body();
      String phase = last[0].path("phase").asString();
      return "COMPLETED".equals(phase) || "FAILED".equals(phase);
    });
    return last[0];
  }

  private static JsonNode vm(String id) {
    return api("GET", "/api/v1/vms/" + id, null).body();
  }

  private static String identity(JsonNode vm, String field) {
    JsonNode id = vm.path("identity");
    return (id.isMissingNode() ? vm : id).path(field).asString("");
  }

  private static void deleteVm(String id) {
    assertThat(api("DELETE", "/api/v1/vms/" + id, null).status()).isEqualTo(204);
  }

  private static TestStack.Response api(String method, String path, String json) {
    return TestStack.send(Integer.parseInt(cluster.apiBaseUrl().replaceAll(".*:", "")), method, path, json, Map.of());
  }

  /** Waits until the service's consumers own all four partitions of the saga topic since its latest start. */
  private static void awaitPartitions(String service) {
    for (int p = 0; p < 4; p++) {
      cluster.awaitLogLine(service, "partitions assigned: \\[[^\\]]*hotclone\\.clone-events-" + p + "[,\\]]", Duration.ofSeconds(120));
    }
  }

  /** The records on the lifecycle topic for one clone: {@code [id, type, json]}. */
  private static List<String[]> lifecycleRecords(String cloneId, int atLeast) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + kafkaPort());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<String[]> types = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of("hotclone.lifecycle"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          String json = new String(r.value(), StandardCharsets.UTF_8);
          JsonNode e = TestStack.JSON.readTree(json);
          if (cloneId.equals(e.path("subject").asString())) {
            types.add(new String[] {e.path("id").asString(), e.path("type").asString(), json});
          }
        }
        if (types.size() >= atLeast && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos(); // a duplicate would follow soon
        }
      }
    }
    return types;
  }

  private static int kafkaPort() {
    return cluster.kafkaPort();
  }

  private static String abbreviate(String s) {
    return s.length() > 70 ? s.substring(0, 70) + "…" : s;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
