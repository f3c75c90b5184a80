package io.hotclone.api.lifecycle;

import io.hotclone.api.publishing.PublicCloudEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.hotclone.api.messaging.LifecycleCloudEvents;
import io.hotclone.events.Requester;
import io.hotclone.hypervisor.DiskSize;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class VmLifecycleCloudEventsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant AT = Instant.parse("2026-12-07T10:00:01.250Z");
  private static final String VM = "aa220c75-8e8e-3ca9-b3b4-e0005966d35e";
  private static final UUID CLONE = UUID.fromString("11111111-2222-3333-4444-555555555555");

  private final VmLifecycleCloudEvents events = new VmLifecycleCloudEvents(JSON);

  private static VmLifecycleEvent cloned(int seq) {
    return new VmLifecycleEvent(
        VmEventType.CLONED, VM, "web-1", "host-b", "tenant-a", new Requester("alice", "tenant-a", "k1"), 2, 64L << 20,
        List.of(new DiskSize("vda", 1L << 30), new DiskSize("vdb", 2L << 30)), Map.of("team", "blue"),
        "parent-vm", "root-vm", 2, CLONE, "RUNNING", null, null, AT, seq);
  }

  @Test
  void a_cloned_vm_is_a_cloudevent_keyed_by_the_vm_with_its_sizes_owner_and_lineage() {
    // when
    PublicCloudEvent encoded = events.encode(cloned(0));
    CloudEvent ce = new JsonFormat().deserialize(encoded.body());
    // then
    assertThat(encoded.contentType()).startsWith("application/cloudevents+json");
    assertThat(ce.getType()).isEqualTo("io.hotclone.vm.cloned");
    assertThat(ce.getSubject()).isEqualTo(VM);
    assertThat(ce.getExtension("partitionkey")).isEqualTo(VM);
    assertThat(ce.getExtension("tenant")).isEqualTo("tenant-a");
    assertThat(ce.getTime().toInstant()).isEqualTo(AT);
    assertThat(ce.getId()).isEqualTo(VmLifecycleEvent.id(VM, 0).toString()).isEqualTo(encoded.id().toString());
    JsonNode data = JSON.readTree(ce.getData().toBytes());
    assertThat(data.path("meter").asString()).isEqualTo("open");
    assertThat(data.path("vcpus").asInt()).isEqualTo(2);
    assertThat(data.path("memoryBytes").asLong()).isEqualTo(64L << 20);
    assertThat(data.path("disks").get(1).path("device").asString()).isEqualTo("vdb");
    assertThat(data.path("disks").get(1).path("bytes").asLong()).isEqualTo(2L << 30);
    assertThat(data.path("labels").path("team").asString()).isEqualTo("blue");
    assertThat(data.path("principal").path("subject").asString()).isEqualTo("alice");
    assertThat(data.path("parentVm").asString()).isEqualTo("parent-vm");
    assertThat(data.path("rootVm").asString()).isEqualTo("root-vm");
    assertThat(data.path("generation").asInt()).isEqualTo(2);
    assertThat(data.path("cloneId").asString()).isEqualTo(CLONE.toString());
    assertThat(data.path("at").asString()).isEqualTo(AT.toString());
  }

  @Test
  void the_same_transition_has_the_same_id_and_the_next_one_another() {
    assertThat(events.encode(cloned(3)).id()).isEqualTo(events.encode(cloned(3)).id());
    assertThat(events.encode(cloned(3)).id()).isNotEqualTo(events.encode(cloned(4)).id());
  }

  @Test
  void what_nobody_caused_or_nobody_reported_is_null_never_a_guess() {
    VmLifecycleEvent gone = new VmLifecycleEvent(
        VmEventType.GONE, VM, "web-1", "host-b", "tenant-a", null, null, null, List.of(), Map.of(),
        null, VM, 0, null, "GONE", "RUNNING", "not found", AT, 5);
    JsonNode data = JSON.readTree(new JsonFormat().deserialize(events.encode(gone).body()).getData().toBytes());
    assertThat(data.path("meter").asString()).isEqualTo("close");
    assertThat(data.get("principal").isNull()).isTrue();
    assertThat(data.get("vcpus").isNull()).isTrue();
    assertThat(data.get("memoryBytes").isNull()).isTrue();
    assertThat(data.path("previousState").asString()).isEqualTo("RUNNING");
  }
}
