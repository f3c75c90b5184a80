package io.hotclone.api.web;

import org.springframework.http.HttpStatus;

/**
 * A refusal the client may try again after {@code retryAfterSeconds} ({@code Retry-After}): too many
 * clone operations in flight (429), or another status a caller gives.
 */
public final class Throttled extends ApiProblem {

  private final long retryAfterSeconds;

  public Throttled(String code, String detail, long retryAfterSeconds) {
    this(HttpStatus.TOO_MANY_REQUESTS, code, detail, retryAfterSeconds);
  }

  /** Another status with a {@code Retry-After} (a warm pool with no ready clone: 409 {@code pool-empty}). */
  public Throttled(HttpStatus status, String code, String detail, long retryAfterSeconds) {
    super(status, code, detail);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
