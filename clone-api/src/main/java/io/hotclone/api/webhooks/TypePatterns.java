package io.hotclone.api.webhooks;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The CloudEvents types an endpoint subscribes to: each an exact type ({@code
 * io.hotclone.clone.completed}) or a prefix ending in {@code *} ({@code io.hotclone.vm.*}, {@code
 * io.hotclone.*}). Every pattern lies under {@code io.hotclone.} (the only events there are), in
 * lower-case dot-separated words of letters, digits and {@code -}; 1 to {@link #MAX} patterns.
 */
public final class TypePatterns {

  public static final int MAX = 32;
  private static final Pattern SYNTAX =
      Pattern.compile("io\\.hotclone\\.(\\*|[a-z0-9-]+(\\.[a-z0-9-]+)*(\\.\\*)?)");

  private TypePatterns() {}

  /** Why {@code patterns} is not a valid subscription, or empty if it is. */
  public static Optional<String> problem(List<String> patterns) {
    if (patterns == null || patterns.isEmpty()) {
      return Optional.of("types is required: at least one CloudEvents type or prefix ending in *");
    }
    if (patterns.size() > MAX) {
      return Optional.of("at most " + MAX + " types");
    }
    for (String p : patterns) {
      if (p == null || p.length() > 200 || !SYNTAX.matcher(p).matches()) {
        return Optional.of("type " + (p == null ? "null" : "'" + abbreviate(p) + "'")
            + " is neither a CloudEvents type under io.hotclone. nor such a prefix ending in .*");
      }
    }
    return Optional.empty();
  }

  /** Whether {@code type} is one {@code patterns} subscribes to. */
  public static boolean matches(List<String> patterns, String type) {
    for (String p : patterns) {
      if (p.endsWith("*") ? type.startsWith(p.substring(0, p.length() - 1)) : type.equals(p)) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }
}
