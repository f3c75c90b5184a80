/**
 * Placement: which host each clone of a request without {@code targetHost} is made on. The pure
 * core ({@link io.hotclone.api.placement.Placement}, {@link io.hotclone.api.placement.Candidate},
 * {@link io.hotclone.api.placement.PlacementPolicy}) decides from a snapshot of the hosts; the
 * adapter {@link io.hotclone.api.placement.HostPlacement} takes that snapshot (hypervisor capacity,
 * IP pools, the tenant's hosts, the configured overcommit ratios) and turns a request that cannot be
 * placed into a 422 {@code no-capacity} problem before anything is frozen.
 */
package io.hotclone.api.placement;
