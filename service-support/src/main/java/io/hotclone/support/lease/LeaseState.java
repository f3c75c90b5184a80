package io.hotclone.support.lease;

/** The states of a freeze lease; the names are the values of {@code freeze_leases.state}. */
public enum LeaseState {
  /** Recorded before the freeze was asked for. */
  FREEZING,
  /** The hypervisor froze it. */
  FROZEN,
  /** The saga unfroze it. */
  THAWED,
  /** Compensation or the watchdog released it. */
  RELEASED;

  /** Whether a freeze may be in place (something must still thaw it). */
  public boolean held() {
    return this == FREEZING || this == FROZEN;
  }
}
