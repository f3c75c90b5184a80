package io.hotclone.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.CloneOperationStateMachine;
import io.hotclone.api.domain.Phase;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventCodec;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LifecycleCloudEventsTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private final JsonMapper json = new EventCodec().mapper();
  private final LifecycleCloudEvents events = new LifecycleCloudEvents(json);
  private final CloneOperationStateMachine machine = new CloneOperationStateMachine();
  private final UUID cloneId = UUID.fromString("11111111-2222-3333-4444-555555555555");

  private CloneOperation requested() {
    ClonePlan plan = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of("web"), 30_000);
    return CloneOperation.requested(cloneId, null, new io.hotclone.events.Requester("alice", "t1", "k1"), plan, "golden", T0);
  }

  private JsonNode parse(LifecycleCloudEvents.CloudEvent e) {
    return json.readTree(e.body());
  }

  @Test
  void requested_is_a_structured_cloudevent_with_the_plan_as_data() {
    // when
    LifecycleCloudEvents.CloudEvent e = events.requested(requested());
    JsonNode root = parse(e);
    // then
    assertThat(root.get("specversion").asString()).isEqualTo("1.0");
    assertThat(root.get("id").asString()).isEqualTo(e.id().toString());
    assertThat(root.get("source").asString()).isEqualTo("/hotclone/clone-api");
    assertThat(root.get("type").asString()).isEqualTo("io.hotclone.clone.requested");
    assertThat(e.type()).isEqualTo("io.hotclone.clone.requested");
    assertThat(root.get("subject").asString()).isEqualTo(cloneId.toString());
    assertThat(root.get("time").asString()).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(root.get("datacontenttype").asString()).isEqualTo("application/json");
    JsonNode data = root.get("data");
    assertThat(data.get("cloneId").asString()).isEqualTo(cloneId.toString());
    assertThat(data.get("sourceVm").asString()).isEqualTo("vm-1");
    assertThat(data.get("sourceHost").asString()).isEqualTo("host-a");
    assertThat(data.get("targetHost").asString()).isEqualTo("host-b");
    assertThat(data.get("count").asInt()).isEqualTo(1);
    assertThat(data.get("names").get(0).asString()).isEqualTo("web");
  }

  @Test
  void the_sdk_deserializer_reads_the_body_with_its_content_type_header() {
    // given an encoded event and the header the outbox stores with it
    LifecycleCloudEvents.CloudEvent e = events.requested(requested());
    var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add("content-type", e.contentType().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    // when a consumer reads it with the CloudEvents SDK's Kafka binding
    try (var deserializer = new io.cloudevents.kafka.CloudEventDeserializer()) {
      io.cloudevents.CloudEvent read = deserializer.deserialize("hotclone.lifecycle", headers, e.body());
      // then it is the structured-mode event with the clone id as partition key
      assertThat(e.contentType()).isEqualTo("application/cloudevents+json");
      assertThat(read.getId()).isEqualTo(e.id().toString());
      assertThat(read.getType()).isEqualTo("io.hotclone.clone.requested");
      assertThat(read.getSource().toString()).isEqualTo("/hotclone/clone-api");
      assertThat(read.getSubject()).isEqualTo(cloneId.toString());
      assertThat(read.getExtension("partitionkey")).isEqualTo(cloneId.toString());
      assertThat(read.getExtension("tenant")).isEqualTo("t1");
      assertThat(json.readTree(read.getData().toBytes()).get("sourceVm").asString()).isEqualTo("vm-1");
    }
  }

  @Test
  void every_lifecycle_event_carries_the_principal_and_the_tenant() {
    CloneOperation op = requested();
    for (LifecycleCloudEvents.CloudEvent e :
        List.of(events.requested(op), events.completed(op, T0), events.failed(op, T0))) {
      JsonNode root = parse(e);
      assertThat(root.get("tenant").asString()).as(e.type()).isEqualTo("t1");
      JsonNode principal = root.get("data").get("principal");
      assertThat(principal.get("subject").asString()).as(e.type()).isEqualTo("alice");
      assertThat(principal.get("tenant").asString()).as(e.type()).isEqualTo("t1");
      assertThat(principal.get("keyId").asString()).as(e.type()).isEqualTo("k1");
    }
  }

  @Test
  void completed_carries_clones_timings_pause_and_freeze() {
    // given a completed operation
    ConfiguredClone clone =
        new ConfiguredClone(0, "vm-9", "web", "uuid-9", "52:54:00:00:00:09", "10.0.0.9", "web", "host-b", "ptr-9", 1);
    CloneOperation op =
        requested()
            .withReached(Phase.STORAGE_FROZEN, T0.plusMillis(10))
            .withReached(Phase.MEMORY_FROZEN, T0.plusMillis(20))
            .withReached(Phase.CONFIGURED, T0.plusMillis(70))
            .withSourcePauseMicros(850L)
            .withFreezeMillis(42)
            .withClones(List.of(clone));
    op = op.withTransition(machine.on(Phase.MEMORY_FROZEN, "CloneConfigured"), T0.plusMillis(75));
    // when
    JsonNode root = parse(events.completed(op, T0.plusMillis(75)));
    // then
    assertThat(root.get("type").asString()).isEqualTo("io.hotclone.clone.completed");
    assertThat(root.get("time").asString()).isEqualTo("2025-01-01T00:00:00.075Z");
    JsonNode data = root.get("data");
    assertThat(data.get("clones").get(0).get("vmId").asString()).isEqualTo("vm-9");
    assertThat(data.get("clones").get(0).get("generation").asInt()).isEqualTo(1);
    assertThat(data.get("timings").get("freeze-storage").asLong()).isEqualTo(10);
    assertThat(data.get("timings").get("freeze-memory").asLong()).isEqualTo(10);
    assertThat(data.get("timings").get("configure-clone").asLong()).isEqualTo(50);
    assertThat(data.get("totalMillis").asLong()).isEqualTo(75);
    assertThat(data.get("sourcePauseMicros").asLong()).isEqualTo(850);
    assertThat(data.get("freezeMillis").asLong()).isEqualTo(42);
  }

  @Test
  void completed_without_a_measured_pause_has_no_sourcePauseMicros() {
    // given a completed operation whose hypervisor could not measure the pause (-1 ns -> null)
    CloneOperation op =
        requested()
            .withReached(Phase.MEMORY_FROZEN, T0.plusMillis(20))
            .withSourcePauseMicros(io.hotclone.events.MemoryFrozen.pauseMicrosOf(-1))
            .withFreezeMillis(42);
    op = op.withTransition(machine.on(Phase.MEMORY_FROZEN, "CloneConfigured"), T0.plusMillis(75));
    // when
    JsonNode data = parse(events.completed(op, T0.plusMillis(75))).get("data");
    // then: absent, not 0
    assertThat(op.sourcePauseMicros()).isNull();
    assertThat(data.has("sourcePauseMicros")).as("data %s", data).isFalse();
    assertThat(data.get("freezeMillis").asLong()).isEqualTo(42);
  }

  @Test
  void failed_carries_step_and_reason() {
    CloneOperation op = requested().withTransition(machine.onFailed(Phase.REQUESTED, "freeze-storage", "disk busy"), T0);
    JsonNode root = parse(events.failed(op, T0.plusMillis(3)));
    assertThat(root.get("type").asString()).isEqualTo("io.hotclone.clone.failed");
    assertThat(root.get("data").get("failedStep").asString()).isEqualTo("freeze-storage");
    assertThat(root.get("data").get("reason").asString()).isEqualTo("disk busy");
  }

  @Test
  void ids_are_one_per_clone_and_type() {
    CloneOperation op = requested();
    assertThat(events.requested(op).id()).isEqualTo(events.requested(op).id());
    assertThat(events.requested(op).id()).isNotEqualTo(events.failed(op, T0).id());
    assertThat(LifecycleCloudEvents.eventId(UUID.randomUUID(), "x"))
        .isNotEqualTo(LifecycleCloudEvents.eventId(cloneId, "x"));
  }
}
