package io.hotclone.api.pools.run;

import io.hotclone.api.lifecycle.VmEventType;
import io.hotclone.api.lifecycle.VmLifecycle;
import io.hotclone.api.pools.Pool;
import io.hotclone.api.pools.PoolSettings;
import io.hotclone.api.pools.persistence.PoolRows;
import io.hotclone.api.security.Caller;
import io.hotclone.api.web.ApiProblem;
import io.hotclone.api.web.TenantVms;
import io.hotclone.api.web.Throttled;
import io.hotclone.events.Requester;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the pool endpoints do. A pool belongs to its source VM's tenant (a source the caller does not
 * see is 404 {@code vm-not-found}); another tenant's pool is 404 {@code pool-not-found}.
 *
 * <p>A claim, in one transaction: the oldest ready member is locked with {@code FOR UPDATE SKIP
 * LOCKED} (so concurrent claims on any instance never take the same clone), its links are brought
 * up ({@link Hypervisor#bringLinksUp}), it is marked claimed by the caller, its labels overlaid with
 * the claim's, and a {@code io.hotclone.vm.claimed} event published. From then on it is an ordinary
 * VM of the caller's tenant. No ready clone: 409 {@code pool-empty} with {@code Retry-After}, or,
 * given a {@code wait}, the claim looks again until a refill's clone is ready or the wait is over.
 */
@Component
public class PoolService {

  private static final Logger log = LoggerFactory.getLogger(PoolService.class);

  /** The longest a claim may wait for a ready clone. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);

  private final PoolRows rows;
  private final TenantVms tenantVms;
  private final Hypervisor hypervisor;
  private final VmLifecycle lifecycle;
  private final PoolMetrics metrics;
  private final PoolSignal signal;
  private final TransactionTemplate tx;
  private final Clock clock;

  public PoolService(PoolRows rows, TenantVms tenantVms, Hypervisor hypervisor, VmLifecycle lifecycle, PoolMetrics metrics,
      PoolSignal signal, TransactionTemplate tx, Clock clock) {
    this.rows = rows;
    this.tenantVms = tenantVms;
    this.hypervisor = hypervisor;
    this.lifecycle = lifecycle;
    this.metrics = metrics;
    this.signal = signal;
    this.tx = tx;
    this.clock = clock;
  }

  /** A new pool of the source's tenant; 409 {@code pool-exists} when the tenant has one of that name. */
  public Pool create(Caller caller, PoolSettings settings) {
    VmInfo source = tenantVms.requireLive(caller, settings.sourceVm());
    String tenant = tenantVms.tenantOf(source);
    Instant now = clock.instant();
    PoolSettings pinned = new PoolSettings(settings.name(), source.id().value(), settings.minReady(), settings.maxSize(),
        settings.placement(), settings.identityPolicy(), settings.maxAge(), settings.labels());
    Pool pool = new Pool(UUID.randomUUID(), tenant, pinned, caller.subject(), now, now, null, 0, null, null);
    try {
      tx.executeWithoutResult(s -> rows.insert(pool));
    } catch (DuplicateKeyException e) {
      throw new ApiProblem(HttpStatus.CONFLICT, "pool-exists", "a pool named '" + settings.name() + "' exists");
    }
    return pool;
  }

  /** The caller's pool of that name; 404 {@code pool-not-found}. */
  public Pool require(Caller caller, String name) {
    return rows.find(caller.tenantFilter(), name)
        .orElseThrow(() -> ApiProblem.notFound("pool-not-found", "no pool named '" + trim(name) + "'"));
  }

  /** Changes {@code minReady}/{@code maxSize} (null: unchanged; a minReady above maxSize raises maxSize). */
  public Pool resize(Caller caller, String name, Integer minReady, Integer maxSize) {
    Pool pool = require(caller, name);
    int min = minReady == null ? pool.settings().minReady() : minReady;
    int max = maxSize != null ? maxSize : Math.max(pool.settings().maxSize(), min);
    PoolSettings resized = pool.settings().resized(min, max);
    tx.executeWithoutResult(s -> rows.resize(pool.id(), resized.minReady(), resized.maxSize(), clock.instant()));
    return rows.find(pool.id()).orElseThrow();
  }

  /**
   * Drains the pool: it disappears from the API at once, its ready clones are destroyed (claimed
   * ones are not the pool's and stay); clones of refills still in flight are destroyed by the
   * reconciler when they are ready, then the pool's row goes.
   */
  public void delete(Caller caller, String name) {
    Pool pool = require(caller, name);
    List<String> ready = tx.execute(s -> {
      rows.markDeleted(pool.id(), clock.instant());
      List<String> ids = rows.lockReady(pool.id()).stream().map(PoolRows.Member::vmId).toList();
      ids.forEach(rows::removeMember);
      return ids;
    });
    destroy(ready, caller.requester(), "pool " + pool.name() + " deleted");
  }

  /** Destroys VMs the pool let go of (each through the hypervisor, then its meter closed). */
  void destroy(List<String> vmIds, Requester by, String reason) {
    for (String id : vmIds) {
      try {
        lifecycle.deleting(id, () -> hypervisor.destroyVm(new VmId(id)));
      } catch (HypervisorException.VmNotFound e) {
        log.debug("pool clone {} already gone", id);
      }
      Instant at = clock.instant();
      tx.executeWithoutResult(s -> lifecycle.ended(id, VmEventType.DELETED, by, reason, at));
    }
  }

  /** The claimed clone and how long the claim took. */
  public record Claimed(VmInfo vm, Pool pool, Duration latency) {}

  /** Claims one ready clone for the caller (see the class comment); {@code wait} null or zero: no wait. */
  public Claimed claim(Caller caller, String name, Map<String, String> labels, Duration wait) {
    long t0 = System.nanoTime();
    Pool pool = require(caller, name);
    Duration w = wait == null || wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    long deadline = t0 + w.toNanos();
    while (true) {
      Optional<VmInfo> vm = tryClaim(pool, caller, labels);
      if (vm.isPresent()) {
        Duration latency = Duration.ofNanos(System.nanoTime() - t0);
        metrics.claimed(pool.name(), latency);
        return new Claimed(vm.get(), pool, latency);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new Throttled(HttpStatus.CONFLICT, "pool-empty",
            "pool '" + pool.name() + "' has no ready clone" + (w.isZero() ? "" : " after waiting " + w)
                + "; its refills make more (or claim with wait)", 1);
      }
      try {
        signal.await(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "interrupted", "the claim was interrupted");
      }
    }
  }

  private Optional<VmInfo> tryClaim(Pool pool, Caller caller, Map<String, String> labels) {
    return tx.execute(s -> {
      while (true) {
        Optional<String> id = rows.lockOneReady(pool.id());
        if (id.isEmpty()) {
          return Optional.<VmInfo>empty();
        }
        VmId vm = new VmId(id.get());
        Optional<VmInfo> live = hypervisor.findVm(vm);
        if (live.isEmpty() || live.get().state() != VmState.RUNNING) {
          rows.removeMember(id.get()); // lost or stopped: not the pool's to hand out
          continue;
        }
        VmInfo up = hypervisor.bringLinksUp(vm);
        Instant now = clock.instant();
        rows.markClaimed(id.get(), caller.subject(), now);
        lifecycle.claimed(id.get(), labels, caller.requester(), "claimed from pool " + pool.name(), now);
        return Optional.of(up);
      }
    });
  }

  private static String trim(String s) {
    return s == null ? "null" : s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }
}
