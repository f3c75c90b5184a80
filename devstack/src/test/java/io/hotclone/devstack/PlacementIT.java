package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.cloneAndWait;
import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.hypervisor;
import static io.hotclone.devstack.TestStack.schema;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import io.hotclone.hypervisor.embedded.CloneCut;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Placement on the devstack's two embedded hosts: a request without {@code targetHost} is placed
 * (spread, pack) from the hosts' memory as the hypervisor reports it, one freeze fans out to both
 * hosts, a request no host can take is refused before anything is frozen, and {@code partial}
 * settles each clone on its own. Each test sets the hosts' memory so the rooms are known, and puts
 * the default back after.
 */
class PlacementIT {

  private static final HostName A = new HostName("host-a");
  private static final HostName B = new HostName("host-b");
  private static final long CLONES_OF_ROOM = 10;

  @AfterEach
  void defaultMemory() {
    hypervisor().setHostMemory(A, EmbeddedHypervisor.DEFAULT_HOST_MEMORY_BYTES);
    hypervisor().setHostMemory(B, EmbeddedHypervisor.DEFAULT_HOST_MEMORY_BYTES);
  }

  /** Gives {@code host} room for exactly {@code clones} clones of the demo VM. */
  private static void roomFor(HostName host, long clones) {
    long cloneBytes = hypervisor().requireVm(new VmId(demoVmId())).memoryBytes();
    hypervisor().setHostMemory(host, hypervisor().capacity(host).vmMemoryBytes() + clones * cloneBytes);
  }

  private static String body(String extra) {
    return "{\"sourceVm\":\"" + demoVmId() + "\"" + extra + "}";
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  @Test
  void spreadPutsFourClonesOfOneFreezeTwoOnEachHostAllFromTheSameCut() {
    roomFor(A, CLONES_OF_ROOM);
    roomFor(B, CLONES_OF_ROOM);

    JsonNode op = cloneAndWait(body(",\"count\":4"));

    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
    assertThat(op.path("placement").asString()).isEqualTo("spread");
    List<String> hosts = texts(op.path("targetHosts"));
    assertThat(hosts).as("targetHosts of %s", op).hasSize(4);
    assertThat(hosts.stream().filter("host-a"::equals).count()).isEqualTo(2);
    assertThat(hosts.stream().filter("host-b"::equals).count()).isEqualTo(2);
    assertThat(op.path("targetHost").asString()).isEqualTo(hosts.get(0));
    Set<Long> cuts = new HashSet<>();
    for (JsonNode c : op.path("clones")) {
      String host = hosts.get(c.path("index").asInt());
      assertThat(c.path("host").asString()).as("clone %s", c).isEqualTo(host);
      VmInfo vm = hypervisor().requireVm(new VmId(c.path("vmId").asString()));
      assertThat(vm.host()).isEqualTo(new HostName(host));
      assertThat(vm.state()).isEqualTo(VmState.RUNNING);
      CloneCut cut = hypervisor().cloneCut(vm.id()).orElseThrow();
      assertThat(cut.cloneStartCounter()).isEqualTo(cut.sourceCounter());
      assertThat(cut.cloneMemoryDigest()).isEqualTo(cut.sourceMemoryDigest());
      cuts.add(cut.sourceCounter());
    }
    assertThat(op.path("clones").size()).isEqualTo(4);
    assertThat(cuts).as("all four continue from one cut").hasSize(1);
    UUID cloneId = UUID.fromString(op.path("id").asString());
    // one saga: one freeze of the source, a copy per clone to its host
    assertThat(hypervisor().operationEffects(cloneId)).as("hypervisor effects of %s", cloneId)
        .containsEntry("freeze-storage", 1).containsEntry("freeze-memory", 1)
        .containsEntry("copy-0", 1).containsEntry("copy-1", 1).containsEntry("copy-2", 1).containsEntry("copy-3", 1);
    assertThat(schema("transfer").queryForObject(
        "SELECT count(*) FROM transfers WHERE clone_id = ?", Integer.class, cloneId)).isEqualTo(4);
    assertThat(schema("storage").queryForList(
        "SELECT host FROM storage_pointers WHERE clone_id = ? AND kind = 'CLONE' ORDER BY clone_index", String.class,
        cloneId)).containsExactlyElementsOf(hosts);
    assertThat(schema("transfer").queryForList(
        "SELECT target_host FROM transfers WHERE clone_id = ? ORDER BY clone_index", String.class, cloneId))
        .as("each copy to its clone's host").containsExactlyElementsOf(hosts);
  }

  @Test
  void packPutsBothClonesOnTheHostWithTheLeastRoomThatFits() {
    roomFor(A, CLONES_OF_ROOM);
    roomFor(B, 3);

    JsonNode op = cloneAndWait(body(",\"count\":2,\"placement\":\"pack\""));

    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
    assertThat(op.path("placement").asString()).isEqualTo("pack");
    assertThat(texts(op.path("targetHosts"))).containsExactly("host-b", "host-b");
    for (JsonNode c : op.path("clones")) {
      assertThat(hypervisor().requireVm(new VmId(c.path("vmId").asString())).host()).isEqualTo(B);
    }
  }

  @Test
  void aRequestNoHostCanTakeIs422NoCapacityAndFreezesNothing() {
    roomFor(A, 1);
    roomFor(B, 0);
    int operations = schema("api").queryForObject("SELECT count(*) FROM clone_operations", Integer.class);
    int leases = schema("storage").queryForObject("SELECT count(*) FROM freeze_leases", Integer.class);

    TestStack.Response r = TestStack.send("POST", "/api/v1/clones", body(",\"count\":2"), Map.of());

    assertThat(r.status()).as("answer %s", r.body()).isEqualTo(422);
    assertThat(r.isProblem()).isTrue();
    assertThat(r.body().path("code").asString()).isEqualTo("no-capacity");
    Map<String, String> shortBy = new java.util.TreeMap<>();
    r.body().path("shortfalls").forEach(s -> shortBy.put(s.path("host").asString(), s.path("reason").asString()));
    assertThat(shortBy).containsEntry("host-a", "memory").containsEntry("host-b", "memory");
    assertThat(schema("api").queryForObject("SELECT count(*) FROM clone_operations", Integer.class))
        .as("no operation").isEqualTo(operations);
    assertThat(schema("storage").queryForObject("SELECT count(*) FROM freeze_leases", Integer.class))
        .as("nothing frozen").isEqualTo(leases);
    assertThat(hypervisor().isStorageFrozen(new VmId(demoVmId()))).isFalse();
  }

  @Test
  void theClonesOfAnOperationInProgressHoldTheirRoomSoTheNextRequestGoesElsewhereOrIsRefused() {
    roomFor(A, 1);
    roomFor(B, 1);
    int port = TestStack.get().apiPort();
    // the first request's clone is held before it is a VM: only its operation says it takes a room
    Runnable gate = TestStack.holdNextOperationOfTheNextClone("copy-0");
    String first;
    String second;
    TestStack.Response third;
    try {
      first = TestStack.requestClone(port, body(""));
      second = TestStack.requestClone(port, body(""));
      third = TestStack.send("POST", "/api/v1/clones", body(""), Map.of());
    } finally {
      gate.run();
    }

    assertThat(third.status()).as("third request %s", third.body()).isEqualTo(422);
    assertThat(third.body().path("code").asString()).isEqualTo("no-capacity");
    JsonNode one = TestStack.awaitEnd(port, first, Duration.ofSeconds(60));
    JsonNode two = TestStack.awaitEnd(port, second, Duration.ofSeconds(60));
    assertThat(List.of(one.path("phase").asString(), two.path("phase").asString()))
        .as("operations %s, %s", one, two).containsExactly("COMPLETED", "COMPLETED");
    assertThat(Set.of(one.path("targetHost").asString(), two.path("targetHost").asString()))
        .as("one clone on each host").containsExactlyInAnyOrder("host-a", "host-b");
  }

  @Test
  void requestsPlacedAtTheSameMomentNeverCountTheSameRoom() throws Exception {
    roomFor(A, 1);
    roomFor(B, 1);
    int requests = 4;
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<TestStack.Response> answers;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(requests);
    try {
      List<java.util.concurrent.Future<TestStack.Response>> sent = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        sent.add(pool.submit(() -> {
          go.await();
          return TestStack.send("POST", "/api/v1/clones", body(""), Map.of());
        }));
      }
      go.countDown();
      answers = new ArrayList<>();
      for (var f : sent) {
        answers.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> accepted = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (TestStack.Response r : answers) {
      if (r.status() == 202) {
        accepted.add(r.body().path("id").asString());
      } else {
        refused.add(r.status() + " " + r.body().path("code").asString());
      }
    }
    assertThat(refused).as("answers %s", answers).containsExactly("422 no-capacity", "422 no-capacity");
    List<String> hosts = new ArrayList<>();
    for (String id : accepted) {
      JsonNode op = TestStack.awaitEnd(TestStack.get().apiPort(), id, Duration.ofSeconds(60));
      assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
      hosts.add(hypervisor().requireVm(new VmId(op.path("clones").get(0).path("vmId").asString())).host().value());
    }
    assertThat(hosts).as("where the accepted clones run").containsExactlyInAnyOrder("host-a", "host-b");
  }

  @Test
  void partialCompletesTheClonesThatStartedAndListsTheOneThatFailed() {
    roomFor(A, CLONES_OF_ROOM);
    roomFor(B, CLONES_OF_ROOM);
    int vmsBefore = allVms();
    InjectedFailures.failNextOperationOfTheNextClone("start-1", "injected: no CPU left");

    JsonNode op = cloneAndWait(body(",\"count\":3,\"partial\":true"));

    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
    assertThat(op.path("partial").asBoolean()).isTrue();
    assertThat(op.path("failedClones").size()).as("failed clones of %s", op).isEqualTo(1);
    JsonNode failed = op.path("failedClones").get(0);
    assertThat(failed.path("index").asInt()).isEqualTo(1);
    assertThat(failed.path("step").asString()).isEqualTo("start");
    assertThat(failed.path("host").asString()).isEqualTo(texts(op.path("targetHosts")).get(1));
    assertThat(failed.path("reason").asString()).contains("injected: no CPU left");
    List<Integer> indexes = new ArrayList<>();
    for (JsonNode c : op.path("clones")) {
      indexes.add(c.path("index").asInt());
      assertThat(hypervisor().requireVm(new VmId(c.path("vmId").asString())).state()).isEqualTo(VmState.RUNNING);
    }
    assertThat(indexes).containsExactly(0, 2);
    UUID cloneId = UUID.fromString(op.path("id").asString());
    String failedVm = schema("config").queryForObject(
        "SELECT vm_id FROM identities WHERE clone_id = ? AND clone_index = 1", String.class, cloneId);
    assertThat(hypervisor().findVm(new VmId(failedVm))).as("the failed clone's VM is gone").isEmpty();
    assertThat(schema("config").queryForObject(
        "SELECT count(*) FROM identities WHERE clone_id = ? AND live", Integer.class, cloneId)).isEqualTo(2);
    assertThat(allVms()).isEqualTo(vmsBefore + 2);
  }

  @Test
  void withoutPartialTheSameFailureFailsTheWholeRequestAndLeavesNothing() {
    roomFor(A, CLONES_OF_ROOM);
    roomFor(B, CLONES_OF_ROOM);
    int vmsBefore = allVms();
    InjectedFailures.failNextOperationOfTheNextClone("start-1", "injected: no CPU left");

    JsonNode op = cloneAndWait(body(",\"count\":3"));

    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("FAILED");
    assertThat(op.path("failedStep").asString()).isEqualTo("configure-clone");
    assertThat(op.path("failureReason").asString()).contains("injected: no CPU left");
    UUID cloneId = UUID.fromString(op.path("id").asString());
    TestStack.await("every clone of " + cloneId + " removed", Duration.ofSeconds(20), () -> allVms() == vmsBefore);
    assertThat(schema("config").queryForObject(
        "SELECT count(*) FROM identities WHERE clone_id = ? AND live", Integer.class, cloneId)).isZero();
  }

  @Test
  void partialFailsOnlyTheClonesOfTheHostWhoseCopyFailedAndTheOthersRun() {
    roomFor(A, CLONES_OF_ROOM);
    roomFor(B, CLONES_OF_ROOM);
    int vmsBefore = allVms();
    // copy-1 is the first copy to clone 1's host (spread alternates the hosts): that host fails
    InjectedFailures.failNextOperationOfTheNextClone("copy-1", "injected: target disk full");

    JsonNode op = cloneAndWait(body(",\"count\":4,\"partial\":true"));

    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
    List<String> hosts = texts(op.path("targetHosts"));
    String failedHost = hosts.get(1);
    String goodHost = hosts.get(0);
    assertThat(hosts).as("spread over both hosts, alternating").containsExactly(goodHost, failedHost, goodHost, failedHost);
    assertThat(failedHost).isNotEqualTo(goodHost);
    List<String> failed = new ArrayList<>();
    op.path("failedClones").forEach(f -> failed.add(f.path("index").asInt() + " " + f.path("host").asString()
        + " " + f.path("step").asString() + " " + f.path("reason").asString()));
    assertThat(failed).as("failed clones of %s", op).containsExactly(
        "1 " + failedHost + " copy injected: target disk full", "3 " + failedHost + " copy injected: target disk full");
    UUID cloneId = UUID.fromString(op.path("id").asString());
    List<String> running = new ArrayList<>();
    for (JsonNode c : op.path("clones")) {
      VmInfo vm = hypervisor().requireVm(new VmId(c.path("vmId").asString()));
      running.add(c.path("index").asInt() + " " + c.path("host").asString() + " " + vm.host().value() + " " + vm.state());
    }
    assertThat(running).containsExactly(
        "0 " + goodHost + " " + goodHost + " RUNNING", "2 " + goodHost + " " + goodHost + " RUNNING");
    assertThat(schema("config").queryForList(
        "SELECT vm_id FROM identities WHERE clone_id = ? AND live ORDER BY clone_index", String.class, cloneId))
        .as("only the good clones have identities").containsExactly(
            op.path("clones").get(0).path("vmId").asString(), op.path("clones").get(1).path("vmId").asString());
    assertThat(schema("config").queryForObject(
        "SELECT count(*) FROM identities WHERE clone_id = ? AND clone_index IN (1, 3)", Integer.class, cloneId))
        .as("no identity was allocated for a clone whose copy failed").isZero();
    // nothing of the failed clones: no copy made (clone 3's not even tried), no transfer, no pointer, no VM
    assertThat(hypervisor().operationEffects(cloneId)).as("hypervisor effects of %s", cloneId)
        .containsEntry("copy-0", 1).containsEntry("copy-2", 1).doesNotContainKeys("copy-1", "copy-3");
    assertThat(hypervisor().operationCalls(cloneId)).doesNotContainKey("copy-3");
    assertThat(schema("transfer").queryForList(
        "SELECT clone_index FROM transfers WHERE clone_id = ? ORDER BY clone_index", Integer.class, cloneId))
        .containsExactly(0, 2);
    assertThat(schema("storage").queryForList(
        "SELECT clone_index || ' ' || host FROM storage_pointers WHERE clone_id = ? AND kind = 'CLONE' ORDER BY clone_index",
        String.class, cloneId)).containsExactly("0 " + goodHost, "2 " + goodHost);
    assertThat(allVms()).isEqualTo(vmsBefore + 2);
    assertThat(hypervisor().isStorageFrozen(new VmId(demoVmId()))).isFalse();
  }

  @Test
  void withoutPartialACopyFailureOnOneHostFailsTheWholeSpreadRequestAndLeavesNothing() {
    roomFor(A, CLONES_OF_ROOM);
    roomFor(B, CLONES_OF_ROOM);
    int vmsBefore = allVms();
    InjectedFailures.failNextOperationOfTheNextClone("copy-1", "injected: target disk full");

    JsonNode op = cloneAndWait(body(",\"count\":4"));

    assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("FAILED");
    assertThat(op.path("failedStep").asString()).isEqualTo("copy-state");
    assertThat(op.path("failureReason").asString()).contains("injected: target disk full");
    UUID cloneId = UUID.fromString(op.path("id").asString());
    assertThat(allVms()).isEqualTo(vmsBefore);
    assertThat(schema("storage").queryForObject(
        "SELECT count(*) FROM storage_pointers WHERE clone_id = ? AND kind = 'CLONE'", Integer.class, cloneId)).isZero();
    assertThat(schema("config").queryForObject(
        "SELECT count(*) FROM identities WHERE clone_id = ?", Integer.class, cloneId)).isZero();
    TestStack.await("the source thawed after " + cloneId, Duration.ofSeconds(20),
        () -> !hypervisor().isStorageFrozen(new VmId(demoVmId())));
  }

  private static int allVms() {
    return hypervisor().vms(A).size() + hypervisor().vms(B).size();
  }
}
