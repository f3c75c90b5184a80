package io.hotclone.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.Requester;
import io.hotclone.events.StorageFrozen;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The operation's REST JSON, field by field, as the operation's parts fill it. */
class CloneOperationViewTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of("web"), 30_000);
  private static final ConfiguredClone CLONE =
      new ConfiguredClone(0, "vm-9", "web", "uuid-9", "52:54:00:00:00:09", "10.0.0.9", "web", "host-b", "ptr-9", 1);
  private final JsonMapper json = new EventCodec().mapper();

  private static CloneOperation requested() {
    return CloneOperation.requested(ID, "key-1", new Requester("alice", "t1", "k1"), PLAN, "golden", T0);
  }

  private static CloneOperation after(CloneOperation op, long millis, CloneEvent payload) {
    return op.apply(EventEnvelope.of(ID, payload, T0.plusMillis(millis)), T0.plusMillis(millis)).after();
  }

  private JsonNode view(CloneOperation op) {
    return json.readTree(json.writeValueAsString(CloneOperationView.of(op)));
  }

  @Test
  void a_completed_operation_shows_every_field_of_the_contract() {
    // given a completed operation
    CloneOperation op = requested();
    op = after(op, 10, new StorageFrozen(PLAN, "base", "ptr", T0, T0));
    op = after(op, 20, new MemoryFrozen(PLAN, "base", T0, 850L, List.of("ram"), 1, T0));
    op = after(op, 30, new MemoryUnfrozen(PLAN, "base", List.of(), 0, 42));
    op = after(op, 70, new CloneConfigured(PLAN, List.of(CLONE)));
    // when
    JsonNode v = view(op);
    // then
    List<String> fields = new ArrayList<>(v.propertyNames());
    assertThat(fields)
        .containsExactly(
            "id", "phase", "terminal", "sourceVm", "sourceVmName", "sourceHost", "targetHost", "count", "names",
            "leaseMillis", "idempotencyKey", "tenant", "requestedBy", "keyId", "requestedAt", "updatedAt",
            "completedAt", "phaseTimes", "stepMillis", "totalMillis", "sourcePauseMicros", "freezeMillis",
            "cloneVmIds", "clones", "failedStep", "failureReason", "sagaId", "labels", "targetHosts", "placement",
            "partial", "failedClones");
    assertThat(v.get("id").asString()).isEqualTo(ID.toString());
    assertThat(v.get("sagaId").asString()).as("served by its own saga").isEqualTo(ID.toString());
    assertThat(v.get("phase").asString()).isEqualTo("COMPLETED");
    assertThat(v.get("terminal").asBoolean()).isTrue();
    assertThat(v.get("sourceVm").asString()).isEqualTo("vm-1");
    assertThat(v.get("sourceVmName").asString()).isEqualTo("golden");
    assertThat(v.get("sourceHost").asString()).isEqualTo("host-a");
    assertThat(v.get("targetHost").asString()).isEqualTo("host-b");
    assertThat(v.get("count").asInt()).isEqualTo(1);
    assertThat(v.get("names").get(0).asString()).isEqualTo("web");
    assertThat(v.get("leaseMillis").asLong()).isEqualTo(30_000);
    assertThat(v.get("idempotencyKey").asString()).isEqualTo("key-1");
    assertThat(v.get("tenant").asString()).isEqualTo("t1");
    assertThat(v.get("requestedBy").asString()).isEqualTo("alice");
    assertThat(v.get("keyId").asString()).isEqualTo("k1");
    assertThat(new ArrayList<>(v.get("phaseTimes").propertyNames()))
        .containsExactly("REQUESTED", "STORAGE_FROZEN", "MEMORY_FROZEN", "MEMORY_UNFROZEN", "CONFIGURED", "COMPLETED");
    assertThat(new ArrayList<>(v.get("stepMillis").propertyNames()))
        .containsExactly("freeze-storage", "freeze-memory", "unfreeze-memory", "configure-clone");
    assertThat(v.get("stepMillis").get("configure-clone").asLong()).isEqualTo(40);
    assertThat(v.get("totalMillis").asLong()).isEqualTo(70);
    assertThat(v.get("sourcePauseMicros").asLong()).isEqualTo(850);
    assertThat(v.get("freezeMillis").asLong()).isEqualTo(42);
    assertThat(v.get("cloneVmIds").get(0).asString()).isEqualTo("vm-9");
    assertThat(v.get("clones").get(0).get("ip").asString()).isEqualTo("10.0.0.9");
    assertThat(v.get("failedStep").isNull()).isTrue();
    assertThat(v.get("failureReason").isNull()).isTrue();
  }

  @Test
  void a_failed_operation_shows_its_step_and_reason() {
    CloneOperation op = after(requested(), 5, new CloneFailed(PLAN, "freeze-storage", "disk busy"));
    JsonNode v = view(op);
    assertThat(v.get("phase").asString()).isEqualTo("FAILED");
    assertThat(v.get("failedStep").asString()).isEqualTo("freeze-storage");
    assertThat(v.get("failureReason").asString()).isEqualTo("disk busy");
    assertThat(v.get("completedAt").isNull()).isTrue();
    assertThat(v.get("cloneVmIds").size()).isZero();
  }
}
