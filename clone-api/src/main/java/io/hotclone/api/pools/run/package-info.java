/**
 * Pools at work: {@link io.hotclone.api.pools.run.PoolService} (create, resize, drain, claim),
 * {@link io.hotclone.api.pools.run.PoolReconciler} (refills, expiry, drains, gauges; any clone-api
 * instance, coordinated by row locks), {@link io.hotclone.api.pools.run.PoolRefillEnds} (a refill's
 * operation ended: its clones become ready, or the pool backs off) and {@link
 * io.hotclone.api.pools.run.PoolMetrics}.
 */
package io.hotclone.api.pools.run;
