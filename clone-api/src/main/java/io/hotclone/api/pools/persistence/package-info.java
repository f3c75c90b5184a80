/**
 * Pools, their refills and their members as rows (tables {@code pools}, {@code pool_refills},
 * {@code pool_members}). A claim takes one ready member with {@code FOR UPDATE SKIP LOCKED}, so
 * concurrent claims on any instance never take the same clone; the reconciler takes a pool row the
 * same way, so one instance refills a pool at a time.
 */
package io.hotclone.api.pools.persistence;
