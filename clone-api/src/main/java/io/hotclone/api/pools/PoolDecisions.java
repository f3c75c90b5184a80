package io.hotclone.api.pools;

import java.time.Duration;
import java.time.Instant;

/**
 * The reconciler's decisions, pure. A pool holds its ready clones and those its refills are making;
 * claimed clones are no longer the pool's. A refill is ONE clone request (one freeze) of {@link
 * #refill} clones; a failed one is tried again after {@link #retryAfter}.
 */
public final class PoolDecisions {

  /** The most clones one request may ask for (the clone API's limit). */
  public static final int MAX_BATCH = 64;

  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LAST_RETRY = Duration.ofMinutes(5);

  private PoolDecisions() {}

  /**
   * How many clones the next refill asks for: the deficit {@code minReady - (ready + creating)},
   * capped so that ready + creating never exceeds {@code maxSize}, and by {@link #MAX_BATCH}; 0 when
   * nothing is missing.
   */
  public static int refill(int minReady, int maxSize, PoolCounts now) {
    int deficit = minReady - now.held();
    int room = maxSize - now.held();
    return Math.max(0, Math.min(MAX_BATCH, Math.min(deficit, room)));
  }

  /** Whether a clone ready since {@code readyAt} is older than {@code maxAge} (null: never) at {@code now}. */
  public static boolean expired(Instant readyAt, Duration maxAge, Instant now) {
    return maxAge != null && !readyAt.plus(maxAge).isAfter(now);
  }

  /** The wait after {@code failures} refills failed in a row: 1 s doubling, at most 5 min. */
  public static Duration retryAfter(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    long seconds = FIRST_RETRY.toSeconds() << Math.min(failures - 1, 20);
    return seconds >= LAST_RETRY.toSeconds() ? LAST_RETRY : Duration.ofSeconds(seconds);
  }
}
