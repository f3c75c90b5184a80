/**
 * Warm clone pools: standby hot clones of a running VM made ahead (running, identity applied, links
 * down), handed out by a claim that only records the owner and brings the links up. This package is
 * the pure core, free of Spring and SQL: a pool's settings and their checks ({@link
 * io.hotclone.api.pools.PoolSettings}), and the reconciler's decisions ({@link
 * io.hotclone.api.pools.PoolDecisions}: how many to refill within {@code maxSize}, which ready
 * clones are too old, when a failed refill is tried again). Its adapters sit beside it: {@code
 * persistence} (pools, refills and members as rows), {@code run} (the reconciler, claims, the
 * refill hook on operation ends, gauges) and {@code web} (the REST endpoints).
 */
package io.hotclone.api.pools;
