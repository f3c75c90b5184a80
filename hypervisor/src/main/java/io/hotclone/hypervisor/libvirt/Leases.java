package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Freezes as leases keyed by clone id. The lease is recorded before the hypervisor call (undo
 * before do); a watchdog thread hands every lease that passes its deadline to the thaw action
 * (abort a running snapshot job, resume a paused source) and remembers it as expired, so later
 * steps of that clone fail with {@code LeaseExpired} instead of using a thawed freeze.
 */
final class Leases implements AutoCloseable {

  /** One clone's freeze. Mutable only under the {@link Leases} monitor. */
  static final class Lease {
    final UUID cloneId;
    final VmId vm;
    final HostName host;
    Instant until;
    boolean storage;
    boolean memory;
    boolean expired;

    Lease(UUID cloneId, VmId vm, HostName host, Instant until) {
      this.cloneId = cloneId;
      this.vm = vm;
      this.host = host;
      this.until = until;
    }

    boolean held() {
      return storage || memory;
    }
  }

  private final Map<UUID, Lease> leases = new ConcurrentHashMap<>();
  private final Clock clock;
  private final ScheduledExecutorService watchdog;
  private final Consumer<Lease> thaw;

  Leases(Clock clock, Duration period, Consumer<Lease> thaw) {
    this.clock = clock;
    this.thaw = thaw;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "libvirt-lease-watchdog");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(10, period.toMillis());
    watchdog.scheduleWithFixedDelay(this::expire, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Records (or extends) the storage lease before the storage freeze happens. */
  synchronized Lease holdStorage(OperationId op, VmId vm, HostName host, Duration lease) {
    Lease l = leases.computeIfAbsent(op.cloneId(), id -> new Lease(id, vm, host, clock.instant().plus(lease)));
    if (l.expired) {
      throw new HypervisorException.LeaseExpired(op);
    }
    l.storage = true;
    l.until = later(l.until, clock.instant().plus(lease));
    return l;
  }

  /** Records the memory lease; needs a live storage lease of the same clone id. */
  synchronized Lease holdMemory(OperationId op, VmId vm, Duration lease) {
    Lease l = requireLive(op, vm, "storage");
    if (!l.storage) {
      throw new HypervisorException.NotFrozen(op, "storage of " + vm);
    }
    l.memory = true;
    l.until = later(l.until, clock.instant().plus(lease));
    return l;
  }

  /** The lease of this clone id, failing when expired or never taken. */
  synchronized Lease requireLive(OperationId op, VmId vm, String what) {
    Lease l = leases.get(op.cloneId());
    if (l == null) {
      throw new HypervisorException.NotFrozen(op, what + " of " + vm);
    }
    if (l.expired) {
      throw new HypervisorException.LeaseExpired(op);
    }
    return l;
  }

  /** Drops the memory part; false when nothing was held. */
  synchronized boolean releaseMemory(UUID cloneId) {
    Lease l = leases.get(cloneId);
    if (l == null || !l.memory) {
      return false;
    }
    l.memory = false;
    return true;
  }

  /** Drops the storage part; false when nothing was held. */
  synchronized boolean releaseStorage(UUID cloneId) {
    Lease l = leases.get(cloneId);
    if (l == null || !l.storage) {
      return false;
    }
    l.storage = false;
    return true;
  }

  synchronized Optional<Lease> get(UUID cloneId) {
    return Optional.ofNullable(leases.get(cloneId));
  }

  synchronized void forget(UUID cloneId) {
    leases.remove(cloneId);
  }

  synchronized Instant until(UUID cloneId) {
    Lease l = leases.get(cloneId);
    return l == null ? clock.instant() : l.until;
  }

  /** Watchdog tick: thaw every held lease past its deadline. */
  void expire() {
    Instant now = clock.instant();
    List<Lease> due;
    synchronized (this) {
      due = leases.values().stream().filter(l -> l.held() && !l.expired && now.isAfter(l.until)).collect(Collectors.toList());
      for (Lease l : due) {
        l.expired = true;
        l.storage = false;
        l.memory = false;
      }
    }
    for (Lease l : due) {
      try {
        thaw.accept(l);
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(Leases.class).warn("thaw of expired lease {} failed: {}", l.cloneId, e.getMessage());
      }
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
