package io.hotclone.api.persistence;

import io.hotclone.api.domain.Phase;
import io.hotclone.events.ConfiguredClone;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSONB column codecs of clone_operations and vms. Unknown phase keys (from a newer version) are
 * ignored; labels read back sorted by key.
 */
final class JsonColumns {

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<ConfiguredClone>> CLONES = new TypeReference<>() {};
  private static final TypeReference<List<io.hotclone.events.FailedClone>> FAILED = new TypeReference<>() {};

  /** A partial operation's failed clones; {@code null} (no column value) when there are none. */
  String failedClones(List<io.hotclone.events.FailedClone> failed) {
    return failed.isEmpty() ? null : json.writeValueAsString(failed);
  }

  List<io.hotclone.events.FailedClone> failedClones(String column) {
    return column == null ? List.of() : json.readValue(column, FAILED);
  }
  private static final TypeReference<Map<String, String>> TIMES = new TypeReference<>() {};
  private static final TypeReference<java.util.TreeMap<String, String>> LABELS = new TypeReference<>() {};

  private final JsonMapper json;

  JsonColumns(JsonMapper json) {
    this.json = json;
  }

  String names(List<String> names) {
    return json.writeValueAsString(names);
  }

  List<String> names(String column) {
    return column == null ? List.of() : json.readValue(column, STRINGS);
  }

  String clones(List<ConfiguredClone> clones) {
    return json.writeValueAsString(clones);
  }

  List<ConfiguredClone> clones(String column) {
    return column == null ? List.of() : json.readValue(column, CLONES);
  }

  String labels(Map<String, String> labels) {
    return json.writeValueAsString(labels == null ? Map.of() : new java.util.TreeMap<>(labels));
  }

  java.util.SortedMap<String, String> labels(String column) {
    return column == null
        ? java.util.Collections.emptySortedMap()
        : java.util.Collections.unmodifiableSortedMap(json.readValue(column, LABELS));
  }

  String times(Map<Phase, Instant> times) {
    Map<String, String> out = new LinkedHashMap<>();
    times.forEach((phase, at) -> out.put(phase.name(), at.toString()));
    return json.writeValueAsString(out);
  }

  Map<Phase, Instant> times(String column) {
    Map<Phase, Instant> out = new EnumMap<>(Phase.class);
    if (column == null) {
      return out;
    }
    Map<String, String> raw = json.readValue(column, TIMES);
    for (Map.Entry<String, String> e : raw.entrySet()) {
      try {
        out.put(Phase.valueOf(e.getKey()), Instant.parse(e.getValue()));
      } catch (IllegalArgumentException | java.time.format.DateTimeParseException ignored) {
        // a phase this version does not know
      }
    }
    return out;
  }
}
