/**
 * The public CloudEvents of warm pools on {@code hotclone.lifecycle}, keyed by the pool id: a refill
 * requested, completed or failed ({@code io.hotclone.pool.refill.*}) and a pool's counts changed
 * ({@code io.hotclone.pool.counts-changed}); each appended through {@link
 * io.hotclone.api.publishing.PublicEvents} in the transaction of the change it reports.
 */
package io.hotclone.api.pools.events;
