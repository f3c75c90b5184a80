package io.hotclone.api.pools.events;

/** The CloudEvents {@code type} of each pool event. */
public enum PoolEventType {
  /** A refill batch was asked for: one clone operation (one freeze) of {@code count} clones. */
  REFILL_REQUESTED("io.hotclone.pool.refill.requested"),
  /** A refill's operation completed: its clones are the pool's ready clones now. */
  REFILL_COMPLETED("io.hotclone.pool.refill.completed"),
  /** A refill failed (its operation, or it was not accepted): the pool backs off until {@code nextRetryAt}. */
  REFILL_FAILED("io.hotclone.pool.refill.failed"),
  /** The pool's ready/creating/claimed counts differ from the last ones published. */
  COUNTS_CHANGED("io.hotclone.pool.counts-changed");

  private final String type;

  PoolEventType(String type) {
    this.type = type;
  }

  public String type() {
    return type;
  }
}
