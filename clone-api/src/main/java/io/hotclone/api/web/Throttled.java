package io.hotclone.api.web;

import org.springframework.http.HttpStatus;

/** Too many clone operations in flight (429); the client may try again after {@code retryAfterSeconds}. */
public final class Throttled extends ApiProblem {

  private final long retryAfterSeconds;

  public Throttled(String code, String detail, long retryAfterSeconds) {
    super(HttpStatus.TOO_MANY_REQUESTS, code, detail);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
