package io.hotclone.api.domain;

/**
 * A request that is well-formed but cannot be processed as asked (HTTP 422): {@code field} names
 * what is wrong, {@code code} is a short machine-readable reason.
 */
public final class RequestRejected extends RuntimeException {

  private final String field;
  private final String code;
  private final java.util.Map<String, Object> extensions;

  public RequestRejected(String field, String code, String message) {
    this(field, code, message, java.util.Map.of());
  }

  /** With further members of the problem (RFC 9457 extensions), e.g. what was short. */
  public RequestRejected(String field, String code, String message, java.util.Map<String, Object> extensions) {
    super(message);
    this.field = field;
    this.code = code;
    this.extensions = java.util.Map.copyOf(extensions);
  }

  public java.util.Map<String, Object> extensions() {
    return extensions;
  }

  public String field() {
    return field;
  }

  public String code() {
    return code;
  }
}
