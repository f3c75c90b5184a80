package io.hotclone.api.labels;

import io.hotclone.api.domain.RequestRejected;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules of labels, as Kubernetes has them for its label keys and values: at most {@value
 * #MAX_LABELS} labels; a key is an optional prefix (a DNS subdomain of at most {@value
 * #MAX_PREFIX} characters: lower-case DNS labels joined by {@code .}) and {@code /}, then a name of
 * 1 to {@value #MAX_NAME} characters {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}; a value is 0 to
 * {@value #MAX_VALUE} characters, empty or {@code [a-z0-9A-Z]([-_.a-z0-9A-Z]*[a-z0-9A-Z])?}.
 * Nothing is trimmed or case-folded. A violation is {@link RequestRejected} (422) whose field
 * names the label: {@code labels.<key>}.
 *
 * <p>Labels are kept sorted by key, so two equal label sets compare, print and hash the same.
 */
public final class Labels {

  public static final int MAX_LABELS = 32;
  public static final int MAX_NAME = 63;
  public static final int MAX_PREFIX = 253;
  public static final int MAX_VALUE = 63;
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern VALUE = Pattern.compile("([a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?)?");

  private Labels() {}

  /** No labels. */
  public static SortedMap<String, String> none() {
    return Collections.emptySortedMap();
  }

  /**
   * {@code labels} of request field {@code field} as a sorted, unmodifiable map ({@code null}: none),
   * if every label keeps the rules; {@link RequestRejected} naming the first label that does not.
   */
  public static SortedMap<String, String> check(String field, Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return none();
    }
    if (labels.size() > MAX_LABELS) {
      throw new RequestRejected(field, "too-many-labels",
          field + " may hold at most " + MAX_LABELS + " labels, had " + labels.size());
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String name = field + "." + e.getKey();
      requireKey(name, e.getKey());
      requireValue(name, e.getValue());
      sorted.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableSortedMap(sorted);
  }

  /** {@code base} overlaid with {@code overlay}: a key in both takes {@code overlay}'s value. */
  public static SortedMap<String, String> overlay(Map<String, String> base, Map<String, String> overlay) {
    TreeMap<String, String> out = new TreeMap<>();
    if (base != null) {
      out.putAll(base);
    }
    if (overlay != null) {
      out.putAll(overlay);
    }
    return Collections.unmodifiableSortedMap(out);
  }

  static void requireKey(String field, String key) {
    if (key == null || key.isEmpty()) {
      throw new RequestRejected(field, "invalid-label-key", "a label key must not be empty");
    }
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !PREFIX.matcher(prefix).matches()) {
        throw new RequestRejected(field, "invalid-label-key", "label key prefix of " + field
            + " must be a DNS subdomain of at most " + MAX_PREFIX + " characters (lower-case labels joined by '.')");
      }
    }
    if (name.isEmpty() || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      throw new RequestRejected(field, "invalid-label-key", "label key of " + field + " must be 1 to " + MAX_NAME
          + " characters [a-z0-9]([-a-z0-9]*[a-z0-9])?, optionally after a DNS-subdomain prefix and '/'");
    }
  }

  static void requireValue(String field, String value) {
    if (value == null) {
      throw new RequestRejected(field, "invalid-label-value", "the value of " + field + " must be a string");
    }
    if (value.length() > MAX_VALUE || !VALUE.matcher(value).matches()) {
      throw new RequestRejected(field, "invalid-label-value", "the value of " + field + " must be at most " + MAX_VALUE
          + " characters [a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])? (or empty)");
    }
  }
}
