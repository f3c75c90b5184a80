package io.hotclone.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The wire contract: every type round-trips, unknown fields and types are tolerated, garbage is poison. */
class EventCodecTest {

  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 2, List.of("a", "b"), 30_000);
  private static final Instant T = Instant.parse("2026-11-24T12:00:00Z");
  private final EventCodec codec = new EventCodec();

  static Stream<CloneEvent> everyType() {
    CopiedImage image = new CopiedImage(0, "img", 10, 3, 1, "crc32c:1");
    ConfiguredClone clone = new ConfiguredClone(0, "vm-2", "a", UUID.randomUUID().toString(), "52:54:00:00:00:02",
        "10.77.0.2", "a", "host-b", "ptr-2", 1);
    return Stream.of(
        new CloneRequested(PLAN, "api"),
        new StorageFrozen(PLAN, "base-1", "ptr-1", T, T.plusSeconds(30)),
        new MemoryFrozen(PLAN, "cut-1", T, 42L, List.of("swap", "ram", "device-state", "vcpu-registers"), 4096, T),
        new MemoryFrozen(PLAN, "cut-1", T, null, List.of("swap", "ram", "device-state", "vcpu-registers"), 4096, T),
        new StateCopied(PLAN, "cut-1", List.of(image), 12),
        new MemoryUnfrozen(PLAN, "cut-1", List.of(image), 7, 30),
        new StorageUnfrozen(PLAN, List.of(image), List.of(new ClonePointer(0, "ptr-2", "loc", "cut-1")), "ptr-1"),
        new CloneConfigured(PLAN, List.of(clone)),
        new CloneCompleted(PLAN, List.of(clone), Map.of("copy-state", 12L), 99, 42L, 30),
        new CloneCompleted(PLAN, List.of(clone), Map.of("copy-state", 12L), 99, null, 30),
        new CloneFailed(PLAN, "copy-state", "host-unreachable: host-b"));
  }

  @ParameterizedTest
  @MethodSource("everyType")
  void everyEventTypeRoundTripsThroughTheEnvelope(CloneEvent payload) {
    EventEnvelope sent = EventEnvelope.of(UUID.randomUUID(), payload, T);
    EventEnvelope received = codec.decode(codec.encode(sent)).orElseThrow();
    assertThat(received).isEqualTo(sent);
    assertThat(received.type()).isEqualTo(payload.getClass().getSimpleName());
  }

  @Test
  void anUnmeasuredPauseIsNullNotZero() {
    assertThat(MemoryFrozen.pauseMicrosOf(-1)).as("the libvirt driver's 'unknown'").isNull();
    assertThat(MemoryFrozen.pauseMicrosOf(-999)).isNull();
    assertThat(MemoryFrozen.pauseMicrosOf(0)).isZero();
    assertThat(MemoryFrozen.pauseMicrosOf(1_500)).isEqualTo(1L);
    // a MemoryFrozen without the field (or with null) decodes as unknown; one with a number keeps it
    String json = new String(codec.encode(EventEnvelope.of(UUID.randomUUID(),
        new MemoryFrozen(PLAN, "cut-1", T, 42L, List.of("swap"), 4096, T), T)), StandardCharsets.UTF_8);
    String without = json.replace("\"pauseMicros\":42,", "");
    assertThat(without).doesNotContain("pauseMicros");
    MemoryFrozen decoded = (MemoryFrozen) codec.decode(without.getBytes(StandardCharsets.UTF_8)).orElseThrow().payload();
    assertThat(decoded.pauseMicros()).isNull();
    MemoryFrozen kept = (MemoryFrozen) codec.decode(json.getBytes(StandardCharsets.UTF_8)).orElseThrow().payload();
    assertThat(kept.pauseMicros()).isEqualTo(42L);
  }

  @Test
  void unknownFieldsAnywhereAreIgnored() {
    String json = new String(codec.encode(EventEnvelope.of(UUID.randomUUID(), new CloneRequested(PLAN, "api"), T)),
        StandardCharsets.UTF_8);
    String newer = json.replace("\"payload\":{", "\"traceId\":\"t-1\",\"payload\":{\"priority\":7,")
        .replace("\"plan\":{", "\"plan\":{\"zone\":\"eu-1\",");
    EventEnvelope decoded = codec.decode(newer.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    assertThat(decoded.payload()).isEqualTo(new CloneRequested(PLAN, "api"));
  }

  @Test
  void theRequesterTravelsWithCloneRequestedAndMayBeAbsent() {
    Requester who = new Requester("alice", "tenant-a", "0a1b2c3d");
    String json = new String(codec.encode(EventEnvelope.of(UUID.randomUUID(), new CloneRequested(PLAN, "alice", who), T)),
        StandardCharsets.UTF_8);
    assertThat(json).contains("\"requester\":{\"subject\":\"alice\",\"tenant\":\"tenant-a\",\"keyId\":\"0a1b2c3d\"}");
    CloneRequested decoded = (CloneRequested) codec.decode(json.getBytes(StandardCharsets.UTF_8)).orElseThrow().payload();
    assertThat(decoded.requester()).isEqualTo(who);
    // an older producer's event, without the field
    String older = json.replaceAll(",\"requester\":\\{[^}]*\\}", "");
    assertThat(older).doesNotContain("requester");
    CloneRequested old = (CloneRequested) codec.decode(older.getBytes(StandardCharsets.UTF_8)).orElseThrow().payload();
    assertThat(old.requester()).isNull();
    assertThat(old.requestedBy()).isEqualTo("alice");
  }

  @Test
  void aTypeThisVersionDoesNotKnowIsSkippedNotFailed() {
    String json = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"CloneResized\",\"cloneId\":\""
        + UUID.randomUUID() + "\",\"occurredAt\":\"" + T + "\",\"schemaVersion\":2,\"payload\":{}}";
    assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void somethingThatIsNotAnEnvelopeIsPoison() {
    assertThatThrownBy(() -> codec.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PoisonEvent.class);
    assertThatThrownBy(() -> codec.decode("{\"type\":\"CloneRequested\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PoisonEvent.class).hasMessageContaining("eventId");
    String noPlan = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"CloneRequested\",\"cloneId\":\""
        + UUID.randomUUID() + "\",\"occurredAt\":\"" + T + "\",\"payload\":{\"requestedBy\":\"x\"}}";
    assertThatThrownBy(() -> codec.decode(noPlan.getBytes(StandardCharsets.UTF_8))).isInstanceOf(PoisonEvent.class);
  }
}
