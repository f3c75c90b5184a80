package io.hotclone.api.pools.run;

import io.hotclone.api.pools.Pool;
import io.hotclone.api.pools.PoolCounts;
import io.hotclone.api.pools.PoolDecisions;
import io.hotclone.api.pools.events.PoolEvents;
import io.hotclone.api.pools.persistence.PoolRows;
import io.hotclone.api.security.Caller;
import io.hotclone.api.security.Scopes;
import io.hotclone.api.web.CloneRequests;
import io.hotclone.events.Requester;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every {@code hotclone.api.pool-reconcile-interval} (default 2 s), on every clone-api instance, for
 * each pool whose row no other instance holds ({@code FOR UPDATE SKIP LOCKED}): forgets ready clones
 * that were deleted or lost; replaces ready clones older than {@code maxAge} (destroyed, then
 * refilled); drains a deleted pool (its ready clones destroyed, its row removed once no refill is in
 * flight); and, unless a failed refill's backoff runs, refills {@code ready + creating < minReady}
 * with ONE clone request (one freeze) of {@link PoolDecisions#refill} standby clones, requested as
 * {@code pool:<name>} of the pool's tenant, labelled with the pool's labels and {@value #POOL_LABEL}.
 * The refill is inserted with the pool row locked again and the counts read again, so two instances
 * never refill one deficit twice, and {@code io.hotclone.pool.refill.requested} is appended with it
 * (a refill not accepted appends {@code refill.failed}). Then the counts are published when they
 * changed ({@link #publishCounts}) and the gauges set. Pools are rows: a restart resumes.
 */
@Component
public class PoolReconciler {

  /** The label every pool clone carries: the pool's name. */
  public static final String POOL_LABEL = "hotclone.io/pool";

  private static final Logger log = LoggerFactory.getLogger(PoolReconciler.class);

  private final PoolRows rows;
  private final PoolService service;
  private final CloneRequests requests;
  private final PoolMetrics metrics;
  private final PoolEvents events;
  private final TransactionTemplate tx;
  private final Clock clock;

  public PoolReconciler(PoolRows rows, PoolService service, CloneRequests requests, PoolMetrics metrics, PoolEvents events,
      TransactionTemplate tx, Clock clock) {
    this.rows = rows;
    this.events = events;
    this.service = service;
    this.requests = requests;
    this.metrics = metrics;
    this.tx = tx;
    this.clock = clock;
  }

  @Scheduled(
      initialDelayString = "${hotclone.api.pool-reconcile-interval:PT2S}",
      fixedDelayString = "${hotclone.api.pool-reconcile-interval:PT2S}")
  public void run() {
    for (UUID id : rows.allIds()) {
      try {
        reconcile(id);
        publishCounts(id);
      } catch (RuntimeException e) {
        log.warn("pool {}: reconciliation failed: {}", id, e.toString());
      }
    }
    Map<UUID, PoolCounts> counts = rows.all(null);
    Set<UUID> live = new HashSet<>();
    for (Pool p : rows.list(null, null, 10_000)) {
      live.add(p.id());
      metrics.counted(p.id(), p.name(), p.tenant(), counts.getOrDefault(p.id(), new PoolCounts(0, 0, 0)));
    }
    metrics.retain(live);
  }

  /**
   * Publishes {@code io.hotclone.pool.counts-changed} when the pool's counts differ from the last
   * published ones: the pool row locked (skipped when another instance holds it; the next pass looks
   * again), the event and the new published counts in one transaction. So a change is published
   * once, at most one per pass: counts that change and change back between two passes publish nothing.
   */
  public void publishCounts(UUID id) {
    tx.executeWithoutResult(s -> rows.lockUnlessBusy(id).filter(p -> p.deletedAt() == null).ifPresent(pool -> {
      PoolCounts now = rows.counts(id);
      PoolRows.Published last = rows.published(id);
      if (!now.equals(last.counts())) {
        long seq = last.sequence() + 1;
        rows.published(id, now, seq);
        events.countsChanged(pool, last.counts() == null ? new PoolCounts(0, 0, 0) : last.counts(), now, seq, clock.instant());
      }
    }));
  }

  /** What one pass found to do outside the pool's lock. */
  private record Pass(Pool pool, List<String> destroy, String reason, int refill) {}

  /** One pass over one pool (see the class comment). */
  public void reconcile(UUID id) {
    Pass pass = tx.execute(s -> plan(id));
    if (pass == null) {
      return;
    }
    Requester by = new Requester("pool:" + pass.pool().name(), pass.pool().tenant(), null);
    service.destroy(pass.destroy(), by, pass.reason());
    if (pass.refill() > 0) {
      refill(pass.pool(), pass.refill());
    }
  }

  private Pass plan(UUID id) {
    Pool pool = rows.lockUnlessBusy(id).orElse(null);
    if (pool == null) {
      return null;
    }
    rows.forgetEnded(id);
    Instant now = clock.instant();
    List<String> destroy = new ArrayList<>();
    boolean deleted = pool.deletedAt() != null;
    // only the members this pass removes are locked: a claim meanwhile skips locked members, so
    // locking all of them would answer pool-empty while the pool has ready clones
    List<PoolRows.Member> candidates = deleted ? rows.lockReady(id)
        : pool.settings().maxAge() == null ? List.of() : rows.lockReady(id, now.minus(pool.settings().maxAge()));
    for (PoolRows.Member m : candidates) {
      if (deleted || PoolDecisions.expired(m.readyAt(), pool.settings().maxAge(), now)) {
        rows.removeMember(m.vmId());
        destroy.add(m.vmId());
      }
    }
    PoolCounts counts = rows.counts(id);
    if (deleted) {
      if (counts.creating() == 0) {
        rows.remove(id);
      }
      return new Pass(pool, destroy, "pool " + pool.name() + " deleted", 0);
    }
    boolean due = pool.nextRefillAt() == null || !now.isBefore(pool.nextRefillAt());
    int n = due ? PoolDecisions.refill(pool.settings().minReady(), pool.settings().maxSize(), counts) : 0;
    return new Pass(pool, destroy, "pool " + pool.name() + ": older than maxAge " + pool.settings().maxAge(), n);
  }

  /** Thrown in the refill's transaction when the deficit was met meanwhile: the request is rolled back. */
  private static final class Superseded extends RuntimeException {
    Superseded() {
      super(null, null, false, false);
    }
  }

  private void refill(Pool pool, int n) {
    Caller owner = new Caller("pool:" + pool.name(), pool.tenant(), null, Set.of(Scopes.CLONES_WRITE));
    var labels = io.hotclone.api.labels.Labels.overlay(pool.settings().labels(), Map.of(POOL_LABEL, pool.name()));
    try {
      var op = requests.submitStandby(owner, pool.settings().sourceVm(), n, pool.settings().identityPolicy(),
          pool.settings().placement(), labels, requested -> {
            Pool locked = rows.lock(pool.id()).orElseThrow(Superseded::new);
            int again = PoolDecisions.refill(locked.settings().minReady(), locked.settings().maxSize(), rows.counts(pool.id()));
            if (locked.deletedAt() != null || again < n) {
              throw new Superseded();
            }
            Instant at = clock.instant();
            rows.insertRefill(requested.id(), pool.id(), n, at);
            events.refillRequested(locked, requested.id(), n, requested.plan().targetHosts(), at);
          });
      op.ifPresentOrElse(
          o -> log.info("pool {}: refill of {} requested as clone {}", pool.name(), n, o.id()),
          () -> log.debug("pool {}: source busy, refill later", pool.name()));
    } catch (Superseded e) {
      log.debug("pool {}: refilled meanwhile", pool.name());
    } catch (RuntimeException e) {
      int failures = pool.refillFailures() + 1;
      Instant next = clock.instant().plus(PoolDecisions.retryAfter(failures));
      String reason = "refill not accepted: " + e.getMessage();
      tx.executeWithoutResult(s -> {
        rows.refillFailed(pool.id(), failures, next, reason);
        events.refillFailed(pool, null, n, reason, failures, next, clock.instant());
      });
      log.warn("pool {}: refill of {} not accepted ({} in a row), next try at {}: {}", pool.name(), n, failures, next, e.toString());
    }
  }
}
