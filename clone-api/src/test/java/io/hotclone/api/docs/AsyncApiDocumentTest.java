package io.hotclone.api.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.CloneEvent;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.EventTypes;
import io.hotclone.events.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The AsyncAPI document clone-api serves ({@code static/asyncapi.yaml}) against the records of
 * {@code clone-events}: every {@link CloneEvent} payload and every record reachable from one has a
 * schema of its simple name whose properties are exactly the record's components (both directions),
 * each of the JSON type its Java type is written as; every wire type has a message on the saga
 * channel; the channels' addresses are the topics.
 */
class AsyncApiDocumentTest {

  private final Map<String, Object> doc = load();

  @Test
  void every_payload_record_and_its_schema_have_the_same_fields_of_the_same_types() {
    Set<Class<?>> records = reachableRecords();
    assertThat(records).hasSizeGreaterThan(CloneEvent.class.getPermittedSubclasses().length);
    for (Class<?> record : records) {
      Map<String, Object> properties = properties(record.getSimpleName());
      Set<String> components = new LinkedHashSet<>();
      for (RecordComponent c : record.getRecordComponents()) {
        components.add(c.getName());
      }
      assertThat(properties.keySet()).as("schema %s vs record %s", record.getSimpleName(), record.getName())
          .containsExactlyInAnyOrderElementsOf(components);
      for (RecordComponent c : record.getRecordComponents()) {
        assertThat(jsonTypes(map(properties.get(c.getName()))))
            .as("%s.%s (%s)", record.getSimpleName(), c.getName(), c.getGenericType())
            .contains(expectedJsonType(c.getGenericType()));
      }
    }
  }

  @Test
  void every_wire_type_is_a_message_of_the_saga_channel_and_nothing_else_is() {
    Set<String> wireTypes = new HashSet<>();
    for (Class<?> payload : CloneEvent.class.getPermittedSubclasses()) {
      String type = EventTypes.typeOf(instanceOf(payload));
      wireTypes.add(type);
      assertThat(EventTypes.payloadClass(type)).contains(payload.asSubclass(CloneEvent.class));
    }
    Map<String, Object> channel = map(map(doc.get("channels")).get("cloneEvents"));
    assertThat(channel.get("address")).isEqualTo(Topics.CLONE_EVENTS);
    assertThat(map(channel.get("messages")).keySet()).containsExactlyInAnyOrderElementsOf(wireTypes);
    Map<String, Object> envelope = properties("EventEnvelope");
    assertThat(map(envelope.get("type")).get("enum")).asList().containsExactlyInAnyOrderElementsOf(wireTypes);
  }

  @Test
  void the_channels_are_the_topics() {
    Map<String, Object> channels = map(doc.get("channels"));
    assertThat(map(channels.get("lifecycle")).get("address")).isEqualTo(Topics.LIFECYCLE);
    assertThat(map(channels.get("deadLetters")).get("address")).isEqualTo(Topics.DLQ_PREFIX + "{service}");
    assertThat(map(channels.get("ipPools")).get("address")).isEqualTo(Topics.IP_POOLS);
    assertThat(doc.get("asyncapi")).isEqualTo("3.0.0");
  }

  @Test
  void the_vm_lifecycle_data_schema_has_exactly_the_fields_clone_api_writes_and_every_type() {
    tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
    io.hotclone.api.lifecycle.VmLifecycleEvent sample = new io.hotclone.api.lifecycle.VmLifecycleEvent(
        io.hotclone.api.lifecycle.VmEventType.CLONED, "vm", "n", "h", "t", null, 1, 1L, List.of(), Map.of(), null, "vm", 0,
        null, "RUNNING", null, null, Instant.EPOCH, 0);
    byte[] body = io.hotclone.api.lifecycle.VmLifecycleEventsTestAccess.encode(json, sample).body();
    Set<String> written = new LinkedHashSet<>();
    json.readTree(body).path("data").propertyNames().forEach(written::add);
    assertThat(properties("VmLifecycleData").keySet()).containsExactlyInAnyOrderElementsOf(written);
    Map<String, Object> type = map(properties("VmLifecycleCloudEvent").get("type"));
    assertThat(((List<?>) type.get("enum")).stream().map(String::valueOf).toList()).containsExactlyInAnyOrderElementsOf(
        Arrays.stream(io.hotclone.api.lifecycle.VmEventType.values()).map(io.hotclone.api.lifecycle.VmEventType::type).toList());
  }

  @Test
  void the_pool_event_data_schema_has_exactly_the_fields_clone_api_writes_and_every_type() {
    tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
    io.hotclone.api.pools.events.PoolEvent sample = new io.hotclone.api.pools.events.PoolEvent(UUID.randomUUID(),
        io.hotclone.api.pools.events.PoolEventType.COUNTS_CHANGED, UUID.randomUUID(), "p", "t", null, null, null, null, null,
        null, null, new io.hotclone.api.pools.PoolCounts(1, 0, 0), null, 1L, Instant.EPOCH);
    byte[] body = io.hotclone.api.pools.events.PoolCloudEvents.encode(sample).body();
    Set<String> written = new LinkedHashSet<>();
    json.readTree(body).path("data").propertyNames().forEach(written::add);
    assertThat(properties("PoolEventData").keySet()).containsExactlyInAnyOrderElementsOf(written);
    Map<String, Object> type = map(properties("PoolCloudEvent").get("type"));
    assertThat(((List<?>) type.get("enum")).stream().map(String::valueOf).toList()).containsExactlyInAnyOrderElementsOf(
        Arrays.stream(io.hotclone.api.pools.events.PoolEventType.values()).map(io.hotclone.api.pools.events.PoolEventType::type)
            .toList());
  }

  /** The payload records and every record type their components use, transitively, plus the envelope. */
  private static Set<Class<?>> reachableRecords() {
    Set<Class<?>> seen = new LinkedHashSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>(Arrays.asList(CloneEvent.class.getPermittedSubclasses()));
    while (!todo.isEmpty()) {
      Class<?> r = todo.pop();
      if (!seen.add(r)) {
        continue;
      }
      for (RecordComponent c : r.getRecordComponents()) {
        for (Class<?> used : classesIn(c.getGenericType())) {
          if (used.isRecord()) {
            todo.push(used);
          }
        }
      }
    }
    seen.add(EventEnvelope.class);
    seen.add(io.hotclone.events.IpPoolState.class);
    return seen;
  }

  private static List<Class<?>> classesIn(Type type) {
    if (type instanceof Class<?> c) {
      return List.of(c);
    }
    if (type instanceof ParameterizedType p) {
      return Arrays.stream(p.getActualTypeArguments()).flatMap(a -> classesIn(a).stream()).toList();
    }
    return List.of();
  }

  /** How EventCodec writes a value of {@code type}: a JSON type, or {@code $ref:Name} for a record. */
  private static String expectedJsonType(Type type) {
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw == int.class || raw == long.class || raw == Integer.class || raw == Long.class) {
      return "integer";
    }
    if (raw == String.class || raw == Instant.class || raw == UUID.class) {
      return "string";
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return "boolean";
    }
    if (Collection.class.isAssignableFrom(raw)) {
      return "array";
    }
    if (Map.class.isAssignableFrom(raw) || raw == CloneEvent.class) {
      return "object";
    }
    if (raw.isRecord()) {
      return "$ref:" + raw.getSimpleName();
    }
    throw new AssertionError("no JSON type known for " + type);
  }

  /** The JSON types a property schema admits; a {@code $ref} (also inside {@code oneOf}) as {@code $ref:Name}. */
  private static Set<String> jsonTypes(Map<String, Object> schema) {
    Set<String> types = new HashSet<>();
    Object type = schema.get("type");
    if (type instanceof String s) {
      types.add(s);
    } else if (type instanceof List<?> l) {
      l.forEach(t -> types.add(String.valueOf(t)));
    }
    if (schema.get("$ref") instanceof String ref) {
      types.add("$ref:" + ref.substring(ref.lastIndexOf('/') + 1));
    }
    if (schema.get("oneOf") instanceof List<?> alternatives) {
      alternatives.forEach(a -> types.addAll(jsonTypes(map(a))));
    }
    return types;
  }

  private Map<String, Object> properties(String schema) {
    Map<String, Object> schemas = map(map(doc.get("components")).get("schemas"));
    assertThat(schemas).as("components.schemas").containsKey(schema);
    return map(map(schemas.get(schema)).get("properties"));
  }

  /** A payload instance of {@code type} with null/zero components (only its class matters). */
  private static CloneEvent instanceOf(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Object[] args = Arrays.stream(types).map(t -> t == int.class ? (Object) 0 : t == long.class ? (Object) 0L : null).toArray();
    try {
      return (CloneEvent) type.getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  private static Map<String, Object> load() {
    try (InputStream in = AsyncApiDocumentTest.class.getResourceAsStream("/static/asyncapi.yaml")) {
      assertThat(in).as("static/asyncapi.yaml on the class path").isNotNull();
      return new Yaml().load(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
