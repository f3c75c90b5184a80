package io.hotclone.api.domain;

/**
 * A request that is well-formed but cannot be processed as asked (HTTP 422): {@code field} names
 * what is wrong, {@code code} is a short machine-readable reason.
 */
public final class RequestRejected extends RuntimeException {

  private final String field;
  private final String code;

  public RequestRejected(String field, String code, String message) {
    super(message);
    this.field = field;
    this.code = code;
  }

  public String field() {
    return field;
  }

  public String code() {
    return code;
  }
}
