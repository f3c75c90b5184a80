package io.hotclone.api.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a failed delivery is tried again: {@code initial} after the first failed attempt, doubling
 * with each further one up to {@code max}; never later than {@code giveUpAfter} after the delivery
 * was created — a retry that would fall beyond that is not made, and the delivery has failed.
 */
public record Backoff(Duration initial, Duration max, Duration giveUpAfter) {

  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || giveUpAfter.isNegative()) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max and giveUpAfter >= 0");
    }
  }

  /** The delay after the {@code attempts}-th failed attempt (1 = the first). */
  public Duration delayAfter(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts starts at 1");
    }
    int doublings = Math.min(attempts - 1, 62);
    long millis = initial.toMillis();
    for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }

  /** When to try again after the {@code attempts}-th failed attempt at {@code now}; empty: give up. */
  public Optional<Instant> nextAttempt(Instant createdAt, int attempts, Instant now) {
    Instant next = now.plus(delayAfter(attempts));
    return next.isAfter(createdAt.plus(giveUpAfter)) ? Optional.empty() : Optional.of(next);
  }
}
