package io.hotclone.events;

import java.time.Instant;

/**
 * How full one host network's IP pool is, as config-service last counted it, published on {@link
 * Topics#IP_POOLS} keyed by {@code network} (compacted: the latest per network is the state).
 * {@code network} is the host name the pool serves, or {@code default} for hosts without their own;
 * {@code free} is {@code capacity} minus the addresses live VMs hold. A snapshot, republished
 * periodically: readers (clone-api's request-time check) treat it as eventually consistent.
 */
public record IpPoolState(String network, String cidr, long capacity, long free, Instant countedAt) {}
