package io.hotclone.api.domain;

import java.util.regex.Pattern;

/**
 * VM and clone names, VM ids and host names are DNS labels (RFC 1123): 1 to 63 characters, lower-case
 * ASCII letters, digits and {@code -}, starting and ending with a letter or digit. Nothing is trimmed
 * or case-folded: what is not a label is {@link RequestRejected} ({@code too-long} or {@code
 * not-a-dns-label}).
 */
public final class DnsLabels {

  public static final int MAX_LENGTH = 63;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  private DnsLabels() {}

  public static boolean isLabel(String s) {
    return s != null && !s.isEmpty() && s.length() <= MAX_LENGTH && LABEL.matcher(s).matches();
  }

  /** {@code value} of {@code field}, if it is a label. */
  public static String require(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new RequestRejected(field, "required", field + " is required");
    }
    if (value.length() > MAX_LENGTH) {
      throw new RequestRejected(
          field, "too-long", field + " must be at most " + MAX_LENGTH + " characters, was " + value.length());
    }
    if (!LABEL.matcher(value).matches()) {
      throw new RequestRejected(field, "not-a-dns-label",
          field + " must be a DNS label (RFC 1123): lower-case letters, digits and '-', not at either end");
    }
    return value;
  }
}
