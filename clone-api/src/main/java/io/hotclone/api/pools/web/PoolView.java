package io.hotclone.api.pools.web;

import io.hotclone.api.pools.Pool;
import io.hotclone.api.pools.PoolCounts;
import java.time.Instant;
import java.util.SortedMap;

/**
 * A pool as the API shows it: its settings and now {@code ready} (standby clones, the pool's),
 * {@code creating} (being made by refills in flight) and {@code claimed} (handed out, still alive);
 * {@code refillFailures} in a row and the last one's reason, {@code nextRefillAt} while backing off.
 */
public record PoolView(
    String name,
    String tenant,
    String sourceVm,
    int minReady,
    int maxSize,
    String placement,
    String identityPolicy,
    String maxAge,
    SortedMap<String, String> labels,
    int ready,
    int creating,
    int claimed,
    String createdBy,
    Instant createdAt,
    Instant updatedAt,
    int refillFailures,
    String lastFailure,
    Instant nextRefillAt) {

  static PoolView of(Pool p, PoolCounts c) {
    var s = p.settings();
    return new PoolView(s.name(), p.tenant(), s.sourceVm(), s.minReady(), s.maxSize(), s.placement(), s.identityPolicy(),
        s.maxAge() == null ? null : s.maxAge().toString(), s.labels(), c.ready(), c.creating(), c.claimed(), p.createdBy(),
        p.createdAt(), p.updatedAt(), p.refillFailures(), p.lastFailure(), p.nextRefillAt());
  }

  /** The {@code scale} shape: {@code replicas} wanted ({@code minReady}), {@code readyReplicas} now. */
  public record Scale(int replicas, int readyReplicas) {}
}
