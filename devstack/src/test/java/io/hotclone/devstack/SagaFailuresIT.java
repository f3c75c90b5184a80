package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.cloneAndWait;
import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.hypervisor;
import static io.hotclone.devstack.TestStack.schema;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.Topics;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.embedded.GuestCheck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
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

  @Test
  void unreachableTargetIsRefusedUpFrontWithNothingFrozen() {
    String source = demoVmId();
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
    VmId vm = new VmId(source);
    assertThat(hypervisor().isMemoryFrozen(vm, "swap") || hypervisor().isMemoryFrozen(vm, "ram")).isFalse();
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
  void redeliveredEventsHaveNoSecondEffect() {
    String source = demoVmId();
    JsonNode op = cloneAndWait("{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}");
    assertThat(op.path("phase").asString()).isEqualTo("COMPLETED");
    String cloneId = op.path("id").asString();
    int vmsOnB = hypervisor().vms(new HostName("host-b")).size();

    List<ConsumerRecord<byte[], byte[]>> events =
        KafkaProbe.readAll(Topics.CLONE_EVENTS, v -> v.contains(cloneId), 8, Duration.ofSeconds(20));
    assertThat(events).hasSizeGreaterThanOrEqualTo(8);
    for (ConsumerRecord<byte[], byte[]> e : events) {
      KafkaProbe.publish(Topics.CLONE_EVENTS, e.key(), e.value());
    }
    for (String group : GROUPS) {
      KafkaProbe.awaitCaughtUp(group, Topics.CLONE_EVENTS, Duration.ofSeconds(30));
    }

    assertThat(hypervisor().vms(new HostName("host-b"))).hasSize(vmsOnB);
    assertThat(TestStack.get("/api/v1/clones/" + cloneId).body().path("phase").asString()).isEqualTo("COMPLETED");
    UUID id = UUID.fromString(cloneId);
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

  private static void assertSourceThawed(UUID cloneId, String source) {
    TestStack.await("storage and memory leases of " + cloneId + " to end", Duration.ofSeconds(20), () ->
        List.of("storage", "memory").stream().allMatch(s ->
            schema(s).queryForList("SELECT state FROM freeze_leases WHERE clone_id = ?", String.class, cloneId)
                .stream().noneMatch(st -> st.equals("FREEZING") || st.equals("FROZEN"))));
    VmId vm = new VmId(source);
    assertThat(hypervisor().isMemoryFrozen(vm, "swap") || hypervisor().isMemoryFrozen(vm, "ram"))
        .as("source memory frozen after failure").isFalse();
    long before = hypervisor().requireVm(vm).guest().counter();
    TestStack.await("source guest to keep running", Duration.ofSeconds(10),
        () -> hypervisor().requireVm(vm).guest().counter() > before + 5);
    hypervisor().pauseGuest(vm);
    try {
      GuestCheck check = hypervisor().verifyGuest(vm);
      assertThat(check.mismatches()).as("source lost writes").isEmpty();
    } finally {
      hypervisor().resumeGuest(vm);
    }
  }
}
