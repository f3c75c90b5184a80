package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Freezes as leases keyed by clone id, kept on the source domain itself (its {@link FreezeBook}
 * in libvirt metadata), never in this process: any process of any service, on any machine, sees
 * the same leases, and one that never took a lease thaws it once it finds it past its deadline.
 * The lease is written before the hypervisor call (undo before do).
 *
 * <p>The watchdog of every driver instance scans the running domains of every reachable host each
 * {@code period}; a lease past its deadline is marked {@code EXPIRED} first (so later steps of
 * that clone fail with {@code LeaseExpired}), then thawed (abort a snapshot job still running,
 * resume a paused source). Bound: a source is frozen at most its lease plus one watchdog period
 * plus one thaw (a few libvirt calls) while at least one driver instance runs.
 *
 * <p>Writes are read-modify-write of the domain's metadata; this instance serialises its own,
 * and across processes a step and a watchdog meet only at a deadline, where expiry wins: a step
 * that re-reads after its write sees the tombstone.
 */
final class Leases implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Leases.class);

  /** A clone's freeze of one source domain, as read from that domain. */
  record Lease(UUID cloneId, VmId vm, HostName host, Instant until, boolean storage, boolean memory) {}

  private final Hosts hosts;
  private final Clock clock;
  private final ScheduledExecutorService watchdog;
  private final Consumer<Lease> thaw;

  Leases(Hosts hosts, Clock clock, Duration period, Consumer<Lease> thaw) {
    this.hosts = hosts;
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
    watchdog.scheduleWithFixedDelay(this::expireQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Records (or extends) the storage lease on the source before the storage freeze happens. */
  Lease holdStorage(OperationId op, DomainRef d, Duration lease) {
    FreezeBook book = update(d, b -> b.holdStorage(op, lease, clock.instant()));
    return lease(d, book.requireLive(op, "storage of " + d.id()));
  }

  /** Records the memory lease; needs the live storage lease of the same clone id. */
  Lease holdMemory(OperationId op, DomainRef d, Duration lease) {
    FreezeBook book = update(d, b -> b.holdMemory(op, d.id().value(), lease, clock.instant()));
    return lease(d, book.requireLive(op, "memory of " + d.id()));
  }

  /** Records the memory freeze's cut on the source's lease (see {@link FreezeBook#cut}). */
  void recordCut(OperationId op, DomainRef d, Instant at, long pauseNanos) {
    update(d, b -> b.cut(op, new FreezeBook.Cut(at, pauseNanos)));
  }

  /** The cut recorded for this clone id on the domain, if any. */
  static Optional<FreezeBook.Cut> cutOf(DomainRef d, UUID cloneId) {
    return book(d).find(cloneId).map(FreezeBook.Entry::cut);
  }

  /** The live lease of this clone id on {@code vm}, failing when expired or never taken. */
  Lease requireLive(OperationId op, VmId vm, String what) {
    try (DomainRef d = hosts.require(vm)) {
      return lease(d, book(d).requireLive(op, what + " of " + vm));
    }
  }

  /** Drops the memory part; false when nothing was held. */
  boolean releaseMemory(UUID cloneId, VmId vm) {
    return release(cloneId, vm, true);
  }

  /** Drops the storage part and so the lease; false when nothing was held. */
  boolean releaseStorage(UUID cloneId, VmId vm) {
    return release(cloneId, vm, false);
  }

  private boolean release(UUID cloneId, VmId vm, boolean memoryOnly) {
    Optional<DomainRef> found = hosts.locate(vm);
    if (found.isEmpty()) {
      return false;
    }
    try (DomainRef d = found.get()) {
      FreezeBook before = book(d);
      boolean held =
          before.find(cloneId).filter(FreezeBook.Entry::held).map(e -> memoryOnly ? e.memory() : true).orElse(false);
      if (held || before.find(cloneId).isPresent()) {
        Instant now = clock.instant();
        update(d, b -> memoryOnly ? b.releaseMemory(cloneId, now) : b.releaseStorage(cloneId, now));
      }
      return held;
    }
  }

  /**
   * Compensation: ends the clone's lease on whichever running domain holds one (a tombstone
   * stays), returning the lease as it was so the caller can thaw it and restore the source.
   */
  Optional<Lease> endForGood(UUID cloneId) {
    for (HostName host : hosts.names()) {
      if (!hosts.reachable(host)) {
        continue;
      }
      for (DomainRef d : hosts.running(host)) {
        try (d) {
          Optional<FreezeBook.Entry> e = book(d).find(cloneId);
          if (e.isPresent()) {
            update(d, b -> b.released(cloneId, clock.instant()));
            return Optional.of(lease(d, e.get()));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The freeze book of a domain, read from the hypervisor. */
  static FreezeBook book(DomainRef d) {
    return FreezeBook.of(DomainXml.parse(d.xml()));
  }

  /** Watchdog tick: every held lease past its deadline on every reachable host is expired and thawed. */
  void expire() {
    Instant now = clock.instant();
    List<Lease> due = new ArrayList<>();
    for (HostName host : hosts.names()) {
      if (!hosts.reachable(host)) {
        continue;
      }
      for (DomainRef d : hosts.running(host)) {
        try (d) {
          for (FreezeBook.Entry e : book(d).due(now)) {
            FreezeBook after = update(d, b -> b.expire(e.cloneId(), now));
            if (after.find(e.cloneId()).map(x -> x.state() == FreezeBook.State.EXPIRED).orElse(false)) {
              due.add(lease(d, e));
            }
          }
        } catch (RuntimeException ex) {
          log.debug("lease scan of a domain on {} failed: {}", host, ex.toString());
        }
      }
    }
    for (Lease l : due) {
      log.warn("clone {}: freeze lease of {} on {} expired at {}; thawing", l.cloneId(), l.vm(), l.host(), l.until());
      try {
        thaw.accept(l);
      } catch (RuntimeException e) {
        log.warn("thaw of expired lease {} failed: {}", l.cloneId(), e.getMessage());
      }
    }
  }

  private void expireQuietly() {
    try {
      expire();
    } catch (RuntimeException e) {
      log.debug("lease watchdog tick failed: {}", e.toString());
    }
  }

  private synchronized FreezeBook update(DomainRef d, UnaryOperator<FreezeBook> change) {
    FreezeBook before = book(d);
    FreezeBook after = change.apply(before).pruned(clock.instant());
    if (!after.equals(before)) {
      int flags = d.active() ? LibvirtNative.VIR_DOMAIN_AFFECT_LIVE : 0;
      if (LibvirtNative.get()
              .virDomainSetMetadata(
                  NativeHandles.of(d.domain()), LibvirtNative.VIR_DOMAIN_METADATA_ELEMENT, after.toMetadata(d.id().value()), FreezeBook.PREFIX, FreezeBook.NS, flags)
          < 0) {
        throw Failures.nativeCall("record the freeze lease on " + d.id());
      }
    }
    return after;
  }

  private static Lease lease(DomainRef d, FreezeBook.Entry e) {
    return new Lease(e.cloneId(), d.id(), d.host(), e.until(), e.storage(), e.memory());
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    try {
      // a tick still running must end before the hosts close: it would connect again
      watchdog.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
