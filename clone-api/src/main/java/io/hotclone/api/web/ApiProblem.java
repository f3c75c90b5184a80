package io.hotclone.api.web;

import org.springframework.http.HttpStatus;

/** An error the API reports as a problem detail with {@code status} and a short {@code code}. */
public class ApiProblem extends RuntimeException {

  private final HttpStatus status;
  private final String code;

  public ApiProblem(HttpStatus status, String code, String detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** A client's value quoted for a message: at most 64 characters, so a huge input is not echoed whole. */
  static String quote(String value) {
    if (value == null) {
      return "null";
    }
    return "'" + (value.length() > 64 ? value.substring(0, 64) + "…" : value) + "'";
  }

  public static ApiProblem notFound(String code, String detail) {
    return new ApiProblem(HttpStatus.NOT_FOUND, code, detail);
  }
}
