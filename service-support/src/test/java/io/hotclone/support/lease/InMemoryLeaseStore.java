package io.hotclone.support.lease;

import io.hotclone.events.ClonePlan;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A {@link LeaseStore} in memory for unit tests (changes apply at once, without transactions). */
public final class InMemoryLeaseStore implements LeaseStore {

  private final Map<UUID, Lease> leases = new LinkedHashMap<>();
  private final Map<UUID, String> reasons = new HashMap<>();

  @Override
  public void register(UUID cloneId, String vmId, ClonePlan plan, Instant leaseUntil) {
    leases.putIfAbsent(cloneId, new Lease(cloneId, vmId, plan, LeaseState.FREEZING, leaseUntil));
  }

  @Override
  public void markFrozen(UUID cloneId, Instant at) {
    leases.computeIfPresent(cloneId, (k, l) -> l.state() == LeaseState.FREEZING ? with(l, LeaseState.FROZEN) : l);
  }

  @Override
  public boolean end(UUID cloneId, LeaseState state, String reason, Instant at) {
    Lease l = leases.get(cloneId);
    if (l == null || !l.held()) {
      return false;
    }
    leases.put(cloneId, with(l, state));
    reasons.put(cloneId, reason);
    return true;
  }

  @Override
  public Optional<Lease> find(UUID cloneId) {
    return Optional.ofNullable(leases.get(cloneId));
  }

  @Override
  public List<Lease> expired(Instant now) {
    return leases.values().stream()
        .filter(l -> l.held() && l.leaseUntil().isBefore(now))
        .sorted(Comparator.comparing(Lease::leaseUntil))
        .toList();
  }

  /** The state of {@code cloneId}'s lease (null: none registered). */
  public LeaseState state(UUID cloneId) {
    return find(cloneId).map(Lease::state).orElse(null);
  }

  /** The reason its lease ended with (null: none given, or not ended). */
  public String reason(UUID cloneId) {
    return reasons.get(cloneId);
  }

  /** Whether any clone holds a freeze of {@code vmId} other than {@code except} (null: none). */
  public boolean heldBy(String vmId, UUID except) {
    return leases.values().stream().anyMatch(l -> l.held() && l.vmId().equals(vmId) && !l.cloneId().equals(except));
  }

  private static Lease with(Lease l, LeaseState state) {
    return new Lease(l.cloneId(), l.vmId(), l.plan(), state, l.leaseUntil());
  }
}
