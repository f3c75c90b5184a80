package io.hotclone.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON wire format of {@link EventEnvelope}. Decoding ignores unknown fields and returns empty for a
 * type this version does not know (a newer producer), so contracts can grow by adding fields and
 * types. A message that is not an envelope at all is a {@link PoisonEvent}.
 */
public final class EventCodec {

  private final JsonMapper json;

  public EventCodec() {
    this.json =
        JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .findAndAddModules()
            .build();
  }

  public JsonMapper mapper() {
    return json;
  }

  public byte[] encode(EventEnvelope envelope) {
    ObjectNode root = json.createObjectNode();
    root.put("eventId", envelope.eventId().toString());
    root.put("type", envelope.type());
    root.put("cloneId", envelope.cloneId().toString());
    root.put("occurredAt", envelope.occurredAt().toString());
    root.put("schemaVersion", envelope.schemaVersion());
    root.set("payload", json.valueToTree(envelope.payload()));
    return json.writeValueAsBytes(root);
  }

  /**
   * Decodes an envelope.
   *
   * @return empty when the type is unknown to this version (to be skipped, not failed)
   * @throws PoisonEvent when the bytes are not a valid envelope of a known type
   */
  public Optional<EventEnvelope> decode(byte[] bytes) {
    JsonNode root;
    try {
      root = json.readTree(bytes);
    } catch (RuntimeException e) {
      throw new PoisonEvent("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new PoisonEvent("not a JSON object: " + abbreviate(bytes), null);
    }
    String type = text(root, "type");
    Optional<Class<? extends CloneEvent>> payloadClass = EventTypes.payloadClass(type);
    if (payloadClass.isEmpty()) {
      return Optional.empty();
    }
    try {
      UUID eventId = UUID.fromString(text(root, "eventId"));
      UUID cloneId = UUID.fromString(text(root, "cloneId"));
      Instant occurredAt = Instant.parse(text(root, "occurredAt"));
      CloneEvent payload = json.treeToValue(root.get("payload"), payloadClass.get());
      if (payload == null || payload.plan() == null) {
        throw new PoisonEvent(type + " without payload or plan", null);
      }
      return Optional.of(
          new EventEnvelope(
              eventId,
              type,
              cloneId,
              occurredAt,
              root.path("schemaVersion").asInt(EventEnvelope.SCHEMA_VERSION),
              payload));
    } catch (PoisonEvent e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PoisonEvent("invalid " + type + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull() || !node.isString()) {
      throw new PoisonEvent("missing field '" + field + "'", null);
    }
    return node.asString();
  }

  private static String abbreviate(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
