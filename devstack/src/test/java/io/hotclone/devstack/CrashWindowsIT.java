package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.hypervisor;
import static io.hotclone.devstack.TestStack.schema;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.Topics;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.VmId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The windows between an effect and its commit, where a crash would otherwise lose or repeat work. */
class CrashWindowsIT {

  private final EventCodec codec = new EventCodec();

  @Test
  void storageFrozenButTheEventNotYetPublished() {
    // storage-service froze the source and died before its commit: the hypervisor holds the
    // freeze, the service's tables and Kafka know nothing. The redelivered CloneRequested must
    // reuse that freeze (same operation id), not freeze again, and the saga must finish.
    String source = demoVmId();
    UUID cloneId = UUID.randomUUID();
    ClonePlan plan = new ClonePlan(source, "host-a", "host-b", 1, List.of(), 30_000);
    StorageFreeze before =
        hypervisor().freezeStorage(OperationId.of(cloneId, "freeze-storage"), new VmId(source), Duration.ofSeconds(30));

    publish(EventEnvelope.of(cloneId, new CloneRequested(plan, "crash-test"), Instant.now()));

    TestStack.await("the clone of " + cloneId + " to be configured", Duration.ofSeconds(60), () ->
        schema("config").queryForObject("SELECT count(*) FROM lineage WHERE clone_id = ?", Integer.class, cloneId) == 1);
    TestStack.await("the storage lease to end thawed", Duration.ofSeconds(20), () -> "THAWED".equals(
        schema("storage").queryForObject("SELECT state FROM freeze_leases WHERE clone_id = ?", String.class, cloneId)));
    // what the driver did for this clone: each effect once, the storage freeze the one made before
    // the crash — the redelivered step asked under the freeze's own id and got that freeze back
    assertThat(hypervisor().operationEffects(cloneId)).as("what the hypervisor did for %s", cloneId)
        .isEqualTo(Map.of("freeze-storage", 1, "freeze-memory", 1, "copy-0", 1, "unfreeze-memory", 1,
            "unfreeze-storage", 1, "clone-pointer-0", 1, "configure-0", 1, "start-0", 1));
    assertThat(hypervisor().operationCalls(cloneId).getOrDefault("freeze-storage", 0))
        .as("freeze-storage asked by the crashed instance and by the redelivered step").isGreaterThanOrEqualTo(2);
    // and storage-service recorded that freeze: the source's new pointer over its base, once
    assertThat(schema("storage").queryForList(
            "SELECT id || ' over ' || base_ref FROM storage_pointers WHERE clone_id = ? AND kind = 'ORIGINAL'",
            String.class, cloneId))
        .as("the source's pointers recorded for %s", cloneId)
        .containsExactly(before.sourcePointer() + " over " + before.baseRef());
  }

  @Test
  void outboxRowCommittedButTheRelayDiedBeforePublishing() {
    // a row the relay never published (it crashed after the commit) goes out on its next poll
    UUID cloneId = UUID.randomUUID();
    ClonePlan plan = new ClonePlan("vm-" + cloneId, "host-a", "host-b", 1, List.of(), 1_000);
    EventEnvelope envelope = EventEnvelope.of(cloneId, new CloneFailed(plan, "crash-test", "left in the outbox"), Instant.now());
    schema("transfer").update(
        "INSERT INTO outbox (event_id, clone_id, topic, type, body) VALUES (?, ?, ?, ?, ?)",
        envelope.eventId(), cloneId, Topics.CLONE_EVENTS, envelope.type(), codec.encode(envelope));

    assertThat(KafkaProbe.readAll(Topics.CLONE_EVENTS, v -> v.contains(envelope.eventId().toString()), 1,
            Duration.ofSeconds(20)))
        .hasSize(1);
    TestStack.await("the row to be marked published", Duration.ofSeconds(10), () ->
        schema("transfer").queryForObject(
            "SELECT published_at IS NOT NULL FROM outbox WHERE event_id = ?", Boolean.class, envelope.eventId()));
  }

  private static void publish(EventEnvelope e) {
    KafkaProbe.publish(Topics.CLONE_EVENTS, e.cloneId().toString().getBytes(StandardCharsets.UTF_8),
        new EventCodec().encode(e));
  }
}
