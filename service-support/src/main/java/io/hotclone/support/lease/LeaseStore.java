package io.hotclone.support.lease;

import io.hotclone.events.ClonePlan;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Where freeze leases are kept ({@link FreezeLeases} in production). */
public interface LeaseStore {

  /** A held or ended lease. */
  record Lease(UUID cloneId, String vmId, ClonePlan plan, LeaseState state, Instant leaseUntil) {
    public boolean held() {
      return state.held();
    }
  }

  /** Records the lease ({@link LeaseState#FREEZING}) before the freeze; a repeat keeps the first. */
  void register(UUID cloneId, String vmId, ClonePlan plan, Instant leaseUntil);

  /** A {@link LeaseState#FREEZING} lease becomes {@link LeaseState#FROZEN}. */
  void markFrozen(UUID cloneId, Instant at);

  /**
   * Ends a held lease as {@code state} ({@link LeaseState#THAWED} or {@link LeaseState#RELEASED}).
   *
   * @return whether this call ended it (false if it was not held)
   */
  boolean end(UUID cloneId, LeaseState state, String reason, Instant at);

  Optional<Lease> find(UUID cloneId);

  /** Held leases whose deadline has passed, the oldest first. */
  List<Lease> expired(Instant now);
}
