package io.hotclone.api.labels;

import io.hotclone.api.domain.RequestRejected;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code ?label=k=v} filter of a list: each parameter one {@code key=value} (split at the first
 * {@code =}; key and value keep the {@link Labels} rules), several are ANDed. An item matches when
 * it carries every one of them. A malformed parameter, or the same key asked with two values, is
 * {@link RequestRejected} (422, field {@code label}).
 */
public final class LabelSelector {

  public static final String PARAMETER = "label";

  private LabelSelector() {}

  /** The required labels ({@code null} or empty: no filter). */
  public static SortedMap<String, String> parse(List<String> parameters) {
    TreeMap<String, String> required = new TreeMap<>();
    if (parameters == null) {
      return required;
    }
    for (String p : parameters) {
      int eq = p == null ? -1 : p.indexOf('=');
      if (eq < 0) {
        throw new RequestRejected(PARAMETER, "invalid-label-selector", "label must be key=value");
      }
      String key = p.substring(0, eq);
      String value = p.substring(eq + 1);
      Labels.requireKey(PARAMETER, key);
      Labels.requireValue(PARAMETER, value);
      String before = required.put(key, value);
      if (before != null && !before.equals(value)) {
        throw new RequestRejected(PARAMETER, "invalid-label-selector",
            "label " + key + " asked with two values; no item can match both");
      }
    }
    return required;
  }

  /** Whether {@code labels} carry every label of {@code required}. */
  public static boolean matches(Map<String, String> required, Map<String, String> labels) {
    for (Map.Entry<String, String> e : required.entrySet()) {
      if (labels == null || !e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
