package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.cloneAndWait;
import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.get;
import static io.hotclone.devstack.TestStack.hypervisor;
import static io.hotclone.devstack.TestStack.schema;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import io.hotclone.hypervisor.embedded.CloneCut;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.hypervisor.embedded.GuestCheck;
import io.hotclone.hypervisor.embedded.StorageStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The saga end to end through the five services on real Kafka and PostgreSQL, checked against the
 * embedded hypervisor: I1 (consistent cut), I2 (no lost write), I3 (isolation), I5 (unique identity),
 * I7 (lineage and pointers), and one freeze for N clones.
 */
class CloneSagaIT {

  /** SHA-256 of no input: the digest of an image without one non-zero page or block. */
  private static final String SHA256_OF_NOTHING = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void cloneOfRunningVmCompletesOnTargetWithStateContinuedFromTheCut() {
    String source = demoVmId();
    long sourceCounterBefore = hypervisor().requireVm(new VmId(source)).guest().counter();

    JsonNode op = cloneAndWait("{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}");

    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
    UUID cloneId = UUID.fromString(op.path("id").asString());
    List<String> cloneVms = cloneVmIds(op);
    assertThat(cloneVms).hasSize(1);
    VmId clone = new VmId(cloneVms.get(0));
    VmInfo cloneInfo = hypervisor().requireVm(clone);
    VmInfo sourceInfo = hypervisor().requireVm(new VmId(source));

    // the clone runs on the target host
    assertThat(cloneInfo.host()).isEqualTo(new HostName("host-b"));
    assertThat(cloneInfo.state()).isEqualTo(VmState.RUNNING);

    // I1: the clone started from the source's memory and disk at the cut
    CloneCut cut = hypervisor().cloneCut(clone).orElseThrow();
    assertThat(cut.source()).isEqualTo(new VmId(source));
    assertThat(cut.sourceCounter()).isGreaterThanOrEqualTo(sourceCounterBefore);
    assertThat(cut.cloneStartCounter()).isEqualTo(cut.sourceCounter());
    // digests of content (the test stack records them), not two empty strings or two hashes of nothing
    assertThat(List.of(cut.sourceMemoryDigest(), cut.sourceDiskDigest(), cut.cloneMemoryDigest(), cut.cloneDiskDigest()))
        .as("digests of the cut %s", cut)
        .allSatisfy(d -> assertThat(d).matches("[0-9a-f]{64}").isNotEqualTo(SHA256_OF_NOTHING));
    assertThat(cut.cloneMemoryDigest()).isEqualTo(cut.sourceMemoryDigest());
    assertThat(cut.cloneDiskDigest()).isEqualTo(cut.sourceDiskDigest());
    // ... and its guest goes on from there, not from zero
    TestStack.await("clone guest to run past the cut", Duration.ofSeconds(20),
        () -> hypervisor().requireVm(clone).guest().counter() > cut.sourceCounter() + 5);

    // I2 and I3: each VM's memory and disk are exactly its own workload's history
    hypervisor().pauseGuest(new VmId(source));
    hypervisor().pauseGuest(clone);
    try {
      GuestCheck src = hypervisor().verifyGuest(new VmId(source));
      GuestCheck cln = hypervisor().verifyGuest(clone);
      assertThat(src.mismatches()).as("source lost or foreign writes").isEmpty();
      assertThat(cln.mismatches()).as("clone lost or foreign writes").isEmpty();
    } finally {
      hypervisor().resumeGuest(clone);
      hypervisor().resumeGuest(new VmId(source));
    }

    // I5: a unique identity
    assertThat(cloneInfo.identity().name()).isNotEqualTo(sourceInfo.identity().name());
    assertThat(cloneInfo.identity().uuid()).isNotEqualTo(sourceInfo.identity().uuid());
    assertThat(cloneInfo.identity().mac()).isNotEqualTo(sourceInfo.identity().mac());
    assertThat(cloneInfo.identity().ip()).isNotEqualTo(sourceInfo.identity().ip());

    // I7: lineage and storage pointers recorded
    JsonNode lineage = get("/api/v1/vms/" + clone.value() + "/lineage").body();
    assertThat(lineage.toString()).contains(source);
    assertThat(lineage.path("vm").path("disks").size()).as("the embedded VM's one disk: %s", lineage.path("vm")).isEqualTo(1);
    assertThat(lineage.path("vm").path("disks").get(0).path("pointerId").asString())
        .isEqualTo(lineage.path("vm").path("storagePointer").asString());
    assertThat(schema("storage").queryForObject(
            "SELECT disk FROM storage_pointers WHERE clone_id = ? AND kind = 'CLONE'", String.class, cloneId))
        .isEqualTo(io.hotclone.hypervisor.StorageFreeze.SINGLE_DISK);
    assertThat(schema("config").queryForObject(
            "SELECT parent_vm FROM lineage WHERE child_vm = ?", String.class, clone.value()))
        .isEqualTo(source);
    assertThat(schema("storage").queryForObject(
            "SELECT count(*) FROM storage_pointers WHERE clone_id = ? AND kind = 'CLONE'", Integer.class, cloneId))
        .isEqualTo(1);
    assertThat(schema("storage").queryForObject(
            "SELECT count(*) FROM storage_pointers WHERE clone_id = ? AND kind = 'ORIGINAL'", Integer.class, cloneId))
        .isEqualTo(1);
    // the source was thawed: both freezes ended by the saga
    assertThat(schema("storage").queryForObject(
            "SELECT state FROM freeze_leases WHERE clone_id = ?", String.class, cloneId)).isEqualTo("THAWED");
    assertThat(schema("memory").queryForObject(
            "SELECT state FROM freeze_leases WHERE clone_id = ?", String.class, cloneId)).isEqualTo("THAWED");
  }

  @Test
  void countFourMakesFourClonesFromOneFreeze() {
    String source = demoVmId();
    JsonNode op = cloneAndWait("{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":4}");

    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
    UUID cloneId = UUID.fromString(op.path("id").asString());
    List<String> clones = cloneVmIds(op);
    assertThat(clones).hasSize(4);
    Set<Long> cutCounters = new HashSet<>();
    Set<String> names = new HashSet<>();
    Set<String> macs = new HashSet<>();
    Set<String> ips = new HashSet<>();
    for (String c : clones) {
      VmInfo info = hypervisor().requireVm(new VmId(c));
      cutCounters.add(hypervisor().cloneCut(new VmId(c)).orElseThrow().sourceCounter());
      names.add(info.identity().name());
      macs.add(info.identity().mac());
      ips.add(info.identity().ip());
    }
    assertThat(cutCounters).as("all four from the same cut").hasSize(1);
    assertThat(names).hasSize(4);
    assertThat(macs).hasSize(4);
    assertThat(ips).hasSize(4);
    // what the hypervisor did, not what a table keyed by clone id can hold: one freeze, four copies
    assertThat(hypervisor().operationEffects(cloneId)).as("hypervisor effects of %s", cloneId)
        .containsEntry("freeze-storage", 1).containsEntry("freeze-memory", 1)
        .containsEntry("unfreeze-memory", 1).containsEntry("unfreeze-storage", 1)
        .containsEntry("copy-0", 1).containsEntry("copy-1", 1).containsEntry("copy-2", 1).containsEntry("copy-3", 1)
        .doesNotContainKey("copy-4");
    assertThat(schema("transfer").queryForObject(
            "SELECT count(*) FROM transfers WHERE clone_id = ?", Integer.class, cloneId))
        .isEqualTo(4);
  }

  @Test
  void concurrentClonesOfOneVmWaitForEachOtherAndAllComplete() throws Exception {
    // coalescing on (the default): the requests that arrive while the source is frozen wait in
    // clone-api and share a saga
    Map<String, Set<Long>> cutsOfSaga = concurrentClones(TestStack.get().apiPort(), hypervisor(), demoVmId(), 4);
    assertThat(cutsOfSaga.values()).as("one cut per saga (per freeze): %s", cutsOfSaga).allSatisfy(c -> assertThat(c).hasSize(1));
    assertThat(cutsOfSaga.values().stream().flatMap(Set::stream).distinct().count())
        .as("a different cut for each saga: %s", cutsOfSaga).isEqualTo(cutsOfSaga.size());
  }

  /**
   * With {@code hotclone.api.coalesce-waiting-requests=false} every request is its own saga at once:
   * the four reach storage-service together and only its freeze queue (on PostgreSQL) makes them
   * wait, one freeze of the source after another. A stack of its own, started with that setting.
   */
  @Test
  void withoutCoalescingConcurrentClonesOfOneVmAreFrozenOneAfterAnother() throws Exception {
    Path data = TestDirs.create("hotclone-no-coalesce");
    try (DevStack stack = DevStack.start(DevStackSettings.forTests(data, Map.of(
        "hotclone.api.coalesce-waiting-requests", "false",
        "hotclone.lease.check-interval", "200")))) {
      TestStack.register(stack);
      EmbeddedHypervisor h = (EmbeddedHypervisor) stack.hypervisor();
      Map<String, Set<Long>> cutsOfSaga = concurrentClones(stack.apiPort(), h, DevStack.ensureDemoVm(h).id().value(), 4);
      assertThat(cutsOfSaga).as("each request its own saga: %s", cutsOfSaga).hasSize(4);
      assertThat(cutsOfSaga.values().stream().flatMap(Set::stream).distinct().count())
          .as("a different cut for each saga: %s", cutsOfSaga).isEqualTo(4);
    } finally {
      TestDirs.delete(data);
    }
  }

  /**
   * Asks {@code count} clones of {@code source} at once (one each), waits until all end, and checks
   * first that no two sagas held the source's storage frozen at the same time — the windows {@code
   * STORAGE_FROZEN} … {@code STORAGE_UNFROZEN} (or {@code FAILED}, for a saga that failed frozen) of
   * distinct sagas do not overlap; the requests one saga serves share its window — then that each
   * operation COMPLETED with its own clone VM.
   *
   * @return per saga id, the source counters at the cuts of the clones it made
   */
  private static Map<String, Set<Long>> concurrentClones(int port, EmbeddedHypervisor h, String source, int count)
      throws Exception {
    String body = "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}";
    var pool = java.util.concurrent.Executors.newFixedThreadPool(count);
    List<JsonNode> ops = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<JsonNode>> requests = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        requests.add(pool.submit(() -> TestStack.cloneAndWait(port, body, Duration.ofSeconds(90))));
      }
      for (var f : requests) {
        ops.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }

    // saga id -> when it froze the source's storage and when it let it go
    Map<String, Instant[]> frozenBySaga = new TreeMap<>();
    for (JsonNode op : ops) {
      JsonNode times = op.path("phaseTimes");
      if (!times.has("STORAGE_FROZEN")) {
        continue; // never froze (it fails below)
      }
      Instant frozen = Instant.parse(times.path("STORAGE_FROZEN").asString());
      Instant unfrozen = Instant.parse(times.path(times.has("STORAGE_UNFROZEN") ? "STORAGE_UNFROZEN" : "FAILED").asString());
      frozenBySaga.merge(op.path("sagaId").asString(), new Instant[] {frozen, unfrozen}, (a, b) -> new Instant[] {
          a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
    }
    List<Map.Entry<String, Instant[]>> windows = new ArrayList<>(frozenBySaga.entrySet());
    windows.sort(java.util.Comparator.comparing(e -> e.getValue()[0]));
    for (int i = 1; i < windows.size(); i++) {
      var earlier = windows.get(i - 1);
      var later = windows.get(i);
      assertThat(later.getValue()[0])
          .as("saga %s froze the source at %s while saga %s held it frozen (%s … %s)", later.getKey(),
              later.getValue()[0], earlier.getKey(), earlier.getValue()[0], earlier.getValue()[1])
          .isAfterOrEqualTo(earlier.getValue()[1]);
    }

    // saga id -> the cuts of the clones it made; requests that waited together share a saga
    Map<String, Set<Long>> cutsOfSaga = new TreeMap<>();
    Set<String> cloneVms = new HashSet<>();
    for (JsonNode op : ops) {
      assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
      assertThat(cloneVmIds(op)).as("clones of %s", op.path("id")).hasSize(1);
      cloneVms.add(cloneVmIds(op).get(0));
      cutsOfSaga.computeIfAbsent(op.path("sagaId").asString(), k -> new HashSet<>())
          .add(h.cloneCut(new VmId(cloneVmIds(op).get(0))).orElseThrow().sourceCounter());
    }
    assertThat(frozenBySaga.keySet()).as("sagas that froze the source").isEqualTo(cutsOfSaga.keySet());
    assertThat(cloneVms).as("%d operations, %d clone VMs", count, count).hasSize(count);
    return cutsOfSaga;
  }

  @Test
  void scaleInDeletesACloneFreesItsStorageAndItsNameCanBeUsedAgain() {
    String name = "scale-" + UUID.randomUUID().toString().substring(0, 8);
    String body = "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1,\"name\":\"" + name + "\"}";
    JsonNode first = cloneAndWait(body);
    assertThat(first.path("phase").asString()).as("operation %s", first).isEqualTo("COMPLETED");
    VmId clone = new VmId(cloneVmIds(first).get(0));
    String pointer = hypervisor().requireVm(clone).storagePointer();

    // every guest held still, so the only change to shared storage is the deletion
    List<VmId> running = runningVms();
    running.forEach(hypervisor()::pauseGuest);
    StorageStats before;
    StorageStats own;
    StorageStats after;
    int status;
    try {
      before = hypervisor().storageStats();
      own = hypervisor().exclusiveStorage(clone);
      status = TestStack.send("DELETE", "/api/v1/vms/" + clone.value(), null, java.util.Map.of()).status();
      after = hypervisor().storageStats();
    } finally {
      running.stream().filter(vm -> hypervisor().findVm(vm).isPresent()).forEach(hypervisor()::resumeGuest);
    }
    assertThat(status).isEqualTo(204);
    assertThat(own.liveBlocks()).as("blocks the clone wrote").isPositive();
    assertThat(own.liveLayers()).isPositive();
    assertThat(after).as("storage freed by deleting %s (own %s)", clone, own).isEqualTo(new StorageStats(
        before.liveBlocks() - own.liveBlocks(), before.liveLayers() - own.liveLayers(),
        before.layerReferences() - own.layerReferences()));
    assertThat(hypervisor().findVm(clone)).isEmpty();
    assertThat(get("/api/v1/vms/" + clone.value()).body().path("state").asString()).isEqualTo("GONE");
    assertThat(TestStack.send("DELETE", "/api/v1/vms/" + clone.value(), null, java.util.Map.of()).status())
        .as("deleting again is a no-op").isEqualTo(204);
    assertThat(TestStack.send("DELETE", "/api/v1/vms/no-such-vm", null, java.util.Map.of()).status()).isEqualTo(404);
    assertThat(hypervisor().vms(new HostName("host-b"))).noneMatch(v -> v.storagePointer().equals(pointer));

    TestStack.await("config-service to free the identity of " + clone, Duration.ofSeconds(20), () ->
        schema("config").queryForObject(
            "SELECT count(*) FROM identities WHERE vm_id = ? AND live", Integer.class, clone.value()) == 0);
    JsonNode second = cloneAndWait(body);
    assertThat(second.path("phase").asString()).as("operation %s", second).isEqualTo("COMPLETED");
    assertThat(hypervisor().requireVm(new VmId(cloneVmIds(second).get(0))).identity().name()).isEqualTo(name);
  }

  private static List<VmId> runningVms() {
    List<VmId> out = new ArrayList<>();
    for (String host : List.of("host-a", "host-b")) {
      hypervisor().vms(new HostName(host)).stream().filter(v -> v.state() == VmState.RUNNING).forEach(v -> out.add(v.id()));
    }
    return out;
  }

  static List<String> cloneVmIds(JsonNode op) {
    List<String> ids = new ArrayList<>();
    for (JsonNode c : op.path("clones")) {
      ids.add(c.path("vmId").asString());
    }
    return ids;
  }
}
