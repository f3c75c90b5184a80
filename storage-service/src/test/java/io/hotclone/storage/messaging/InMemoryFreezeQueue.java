package io.hotclone.storage.messaging;

import io.hotclone.events.ClonePlan;
import io.hotclone.storage.persistence.FreezeQueue;
import io.hotclone.support.lease.InMemoryLeaseStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@link FreezeQueue} over an in-memory lease store, in arrival order. */
final class InMemoryFreezeQueue implements FreezeQueue {

  private record Entry(String vmId, Queued queued) {}

  private final InMemoryLeaseStore leases;
  private final Map<UUID, Entry> pending = new LinkedHashMap<>();

  InMemoryFreezeQueue(InMemoryLeaseStore leases) {
    this.leases = leases;
  }

  @Override
  public boolean admitOrQueue(
      UUID cloneId, String vmId, ClonePlan plan, Instant leaseUntil, byte[] envelope, String traceparent) {
    if (leases.heldBy(vmId, cloneId)) {
      pending.putIfAbsent(cloneId, new Entry(vmId, new Queued(envelope, traceparent)));
      return false;
    }
    leases.register(cloneId, vmId, plan, leaseUntil);
    pending.remove(cloneId);
    return true;
  }

  @Override
  public Optional<Queued> next(String vmId) {
    if (leases.heldBy(vmId, null)) {
      return Optional.empty();
    }
    return pending.values().stream().filter(e -> e.vmId().equals(vmId)).map(Entry::queued).findFirst();
  }

  @Override
  public Optional<String> drop(UUID cloneId) {
    return Optional.ofNullable(pending.remove(cloneId)).map(Entry::vmId);
  }

  boolean queued(UUID cloneId) {
    return pending.containsKey(cloneId);
  }
}
