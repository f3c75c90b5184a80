package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.hypervisor;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.VmId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Requests of a source that is being cloned wait in clone-api and those that can share a freeze are
 * served by one saga once the source's storage is unfrozen: one freeze for all of them, each
 * operation with its own clones, lineage and outcome. The first clone is held in its copy step
 * (the source frozen) while the others are asked for, so they always arrive while it freezes.
 */
class WaitingRequestsIT {

  private static final Duration END = Duration.ofSeconds(60);

  private static String body(String source, int count, String extra) {
    return "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":" + count + extra + "}";
  }

  private static JsonNode operation(String id) {
    return TestStack.get("/api/v1/clones/" + id).body();
  }

  /** Requests a clone whose copy step waits until the returned gate is run, and waits for that. */
  private static String firstHeldInCopy(String source, Runnable[] gate) {
    gate[0] = TestStack.holdNextOperationOfTheNextClone("copy-0");
    String first = TestStack.requestClone(TestStack.get().apiPort(), body(source, 1, ""));
    TestStack.await("the first clone's copy to be under way", Duration.ofSeconds(20),
        () -> hypervisor().operationCalls(UUID.fromString(first)).containsKey("copy-0"));
    assertThat(hypervisor().isStorageFrozen(new VmId(source))).as("source frozen by the first clone").isTrue();
    return first;
  }

  private static void assertWaiting(String... ids) {
    for (String id : ids) {
      JsonNode op = operation(id);
      assertThat(op.path("phase").asString()).as("waiting %s", op).isEqualTo("REQUESTED");
      assertThat(op.path("sagaId").isNull()).as("no saga serves %s yet: %s", id, op).isTrue();
      assertThat(hypervisor().operationCalls(UUID.fromString(id))).as("hypervisor calls of waiting %s", id).isEmpty();
    }
  }

  @Test
  void requestsWaitingForTheSourceShareOneFreezeAndEachGetsItsOwnClones() {
    String source = demoVmId();
    int port = TestStack.get().apiPort();
    Runnable[] copy = new Runnable[1];
    String first = firstHeldInCopy(source, copy);
    String a;
    String b;
    String named;
    try {
      a = TestStack.requestClone(port, body(source, 1, ""));
      b = TestStack.requestClone(port, body(source, 2, ""));
      // names of its own: it cannot share the saga of requests with generated names
      named = TestStack.requestClone(port,
          body(source, 1, ",\"name\":\"named-" + UUID.randomUUID().toString().substring(0, 8) + "\""));
      assertWaiting(a, b, named);
    } finally {
      copy[0].run();
    }

    JsonNode opFirst = TestStack.awaitEnd(port, first, END);
    JsonNode opA = TestStack.awaitEnd(port, a, END);
    JsonNode opB = TestStack.awaitEnd(port, b, END);
    JsonNode opNamed = TestStack.awaitEnd(port, named, END);
    for (JsonNode op : List.of(opFirst, opA, opB, opNamed)) {
      assertThat(op.path("phase").asString()).as("%s", op).isEqualTo("COMPLETED");
    }
    // a and b: one saga, the older one's; the named request and the first: their own
    assertThat(opFirst.path("sagaId").asString()).isEqualTo(first);
    assertThat(opA.path("sagaId").asString()).isEqualTo(a);
    assertThat(opB.path("sagaId").asString()).as("b coalesced into a's saga").isEqualTo(a);
    assertThat(opNamed.path("sagaId").asString()).isEqualTo(named);
    // one freeze of the source for a and b, made under a's id; nothing under b's
    assertThat(hypervisor().operationEffects(UUID.fromString(a)))
        .containsEntry("freeze-storage", 1)
        .containsEntry("freeze-memory", 1)
        .containsEntry("copy-0", 1)
        .containsEntry("start-2", 1)
        .doesNotContainKey("start-3");
    assertThat(hypervisor().operationCalls(UUID.fromString(b))).as("hypervisor calls under b's id").isEmpty();
    assertThat(hypervisor().operationEffects(UUID.fromString(named))).containsEntry("freeze-storage", 1);

    // each operation its own slice of the clones: distinct VMs, each recorded as a clone of the source by it
    assertThat(opA.path("cloneVmIds")).hasSize(1);
    assertThat(opB.path("cloneVmIds")).hasSize(2);
    Set<String> clones = new HashSet<>();
    for (JsonNode op : List.of(opA, opB)) {
      for (JsonNode vm : op.path("cloneVmIds")) {
        assertThat(clones.add(vm.asString())).as("clone %s given to one operation only", vm).isTrue();
        JsonNode view = TestStack.get("/api/v1/vms/" + vm.asString()).body();
        assertThat(view.path("parentVm").asString()).isEqualTo(source);
        assertThat(view.path("cloneId").asString()).as("the operation that made %s", vm).isEqualTo(op.path("id").asString());
        assertThat(view.path("state").asString()).isEqualTo("RUNNING");
      }
    }
    // a waiting request's figures are its saga's: the source's pause and freeze were measured for it
    assertThat(opB.path("phaseTimes").has("STORAGE_FROZEN")).isTrue();
    assertThat(opB.path("freezeMillis").asLong()).isEqualTo(opA.path("freezeMillis").asLong());
  }

  @Test
  void aFailingCoalescedSagaFailsEveryRequestItServesAndThawsTheSource() {
    String source = demoVmId();
    int port = TestStack.get().apiPort();
    Runnable[] copy = new Runnable[1];
    String first = firstHeldInCopy(source, copy);
    List<String> waiting = new ArrayList<>();
    try {
      waiting.add(TestStack.requestClone(port, body(source, 1, "")));
      waiting.add(TestStack.requestClone(port, body(source, 1, "")));
      assertWaiting(waiting.toArray(String[]::new));
      // armed for the coalesced saga (its clone id is its first request's): the first clone's copy,
      // held now, runs as usual once let go
      hypervisor().failNextOperation(UUID.fromString(waiting.get(0)), "copy-0", "injected: coalesced copy fails");
    } finally {
      copy[0].run();
    }

    assertThat(TestStack.awaitEnd(port, first, END).path("phase").asString()).isEqualTo("COMPLETED");
    for (String id : waiting) {
      JsonNode op = TestStack.awaitEnd(port, id, END);
      assertThat(op.path("phase").asString()).as("%s", op).isEqualTo("FAILED");
      assertThat(op.path("sagaId").asString()).isEqualTo(waiting.get(0));
      assertThat(op.path("failedStep").asString()).isEqualTo("copy-state");
      assertThat(op.path("failureReason").asString()).contains("injected: coalesced copy fails");
      assertThat(op.path("cloneVmIds")).isEmpty();
    }
    SagaFailuresIT.assertSourceThawed(hypervisor(), TestStack::schema, UUID.fromString(waiting.get(0)), source);
    // and the source can be cloned again at once
    assertThat(TestStack.cloneAndWait(body(source, 1, "")).path("phase").asString()).isEqualTo("COMPLETED");
  }
}
