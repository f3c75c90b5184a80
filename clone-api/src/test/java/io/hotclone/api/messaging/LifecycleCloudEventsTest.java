package io.hotclone.api.messaging;

import io.hotclone.api.publishing.PublicCloudEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Outcome;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.domain.Progress;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LifecycleCloudEventsTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private final JsonMapper json = new EventCodec().mapper();
  private final LifecycleCloudEvents events = new LifecycleCloudEvents(json);
  private final UUID cloneId = UUID.fromString("11111111-2222-3333-4444-555555555555");

  private CloneOperation requested() {
    ClonePlan plan = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of("web"), 30_000);
    return CloneOperation.requested(cloneId, null, new io.hotclone.events.Requester("alice", "t1", "k1"), plan, "golden", T0);
  }

  private JsonNode parse(PublicCloudEvent e) {
    return json.readTree(e.body());
  }

  @Test
  void requested_is_a_structured_cloudevent_with_the_plan_as_data() {
    // when
    PublicCloudEvent e = events.requested(requested());
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
    PublicCloudEvent e = events.requested(requested());
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
    for (PublicCloudEvent e :
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
  void every_lifecycle_event_carries_the_request_s_labels() {
    ClonePlan plan = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of("web"), 30_000);
    CloneOperation op = CloneOperation.requested(cloneId, null, new io.hotclone.events.Requester("alice", "t1", "k1"), plan,
        "golden", new java.util.TreeMap<>(Map.of("team", "blue", "example.com/env", "test")), T0);
    for (PublicCloudEvent e : List.of(events.requested(op), events.completed(op, T0), events.failed(op, T0))) {
      JsonNode labels = parse(e).get("data").get("labels");
      assertThat(labels.get("team").asString()).as(e.type()).isEqualTo("blue");
      assertThat(labels.get("example.com/env").asString()).as(e.type()).isEqualTo("test");
    }
    assertThat(parse(events.requested(requested())).get("data").get("labels").isEmpty()).as("no labels: {}").isTrue();
  }

  @Test
  void completed_carries_clones_timings_pause_and_freeze() {
    // given a completed operation
    ConfiguredClone clone =
        new ConfiguredClone(0, "vm-9", "web", "uuid-9", "52:54:00:00:00:09", "10.0.0.9", "web", "host-b", "ptr-9", 1);
    Map<Phase, Instant> reached =
        Map.of(
            Phase.REQUESTED, T0,
            Phase.STORAGE_FROZEN, T0.plusMillis(10),
            Phase.MEMORY_FROZEN, T0.plusMillis(20),
            Phase.CONFIGURED, T0.plusMillis(70),
            Phase.COMPLETED, T0.plusMillis(75));
    CloneOperation op =
        new CloneOperation(
            cloneId,
            requested().request(),
            new Progress(Phase.COMPLETED, reached, T0.plusMillis(75), 850L, 42L),
            new Outcome(T0.plusMillis(75), List.of(clone), null));
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
    ClonePlan plan = requested().plan();
    MemoryFrozen frozen =
        new MemoryFrozen(plan, "base", T0, MemoryFrozen.pauseMicrosOf(-1), List.of("ram"), 1L << 20, T0.plusSeconds(30));
    CloneOperation op = requested();
    for (CloneEvent e : List.of(frozen, new MemoryUnfrozen(plan, "base", List.of(), 0, 42), new CloneConfigured(plan, List.of()))) {
      op = op.apply(EventEnvelope.of(cloneId, e, T0.plusMillis(20)), T0.plusMillis(75)).after();
    }
    // when
    JsonNode data = parse(events.completed(op, T0.plusMillis(75))).get("data");
    // then: absent, not 0
    assertThat(op.phase()).isEqualTo(Phase.COMPLETED);
    assertThat(op.progress().sourcePauseMicros()).isNull();
    assertThat(data.has("sourcePauseMicros")).as("data %s", data).isFalse();
    assertThat(data.get("freezeMillis").asLong()).isEqualTo(42);
  }

  @Test
  void a_placed_partial_operation_s_events_carry_each_clone_s_host_and_the_failed_clones() {
    ClonePlan plan = new ClonePlan("vm-1", "host-a", null, 2, List.of(), 30_000, null, List.of("host-b", "host-a"), true, false);
    CloneOperation op = CloneOperation.requested(cloneId, null, new io.hotclone.events.Requester("alice", "t1", "k1"), plan,
        "golden", T0).placedBy("pack");
    ConfiguredClone clone =
        new ConfiguredClone(0, "vm-9", "web", "uuid-9", "52:54:00:00:00:09", "10.0.0.9", "web", "host-b", "ptr-9", 1);
    io.hotclone.events.FailedClone failed = new io.hotclone.events.FailedClone(1, "host-a", "start", "no CPU left");
    op = op.apply(EventEnvelope.of(cloneId, new CloneConfigured(plan, List.of(clone), List.of(failed)), T0.plusMillis(5)),
        T0.plusMillis(6)).after();

    JsonNode requested = parse(events.requested(op)).get("data");
    JsonNode completed = parse(events.completed(op, T0.plusMillis(6))).get("data");

    for (JsonNode data : List.of(requested, completed)) {
      assertThat(data.get("targetHosts").toString()).isEqualTo("[\"host-b\",\"host-a\"]");
      assertThat(data.get("targetHost").asString()).isEqualTo("host-b");
      assertThat(data.get("placement").asString()).isEqualTo("pack");
      assertThat(data.get("partial").asBoolean()).isTrue();
    }
    assertThat(completed.get("clones").get(0).get("host").asString()).isEqualTo("host-b");
    assertThat(completed.get("failedClones").size()).isEqualTo(1);
    assertThat(completed.get("failedClones").get(0).get("index").asInt()).isEqualTo(1);
    assertThat(completed.get("failedClones").get(0).get("host").asString()).isEqualTo("host-a");
    assertThat(completed.get("failedClones").get(0).get("reason").asString()).isEqualTo("no CPU left");
  }

  @Test
  void failed_carries_step_and_reason() {
    CloneFailed failed = new CloneFailed(requested().plan(), "freeze-storage", "disk busy");
    CloneOperation op = requested().apply(EventEnvelope.of(cloneId, failed, T0), T0).after();
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
