/**
 * memory-service: freezes a VM's memory in tiers, slowest first (step 2), and unfreezes it by
 * merging the buffered writes (step 4). Reacts to {@code StorageFrozen}, {@code StateCopied} and
 * {@code CloneFailed}; its leases are released by a watchdog when they expire.
 */
package io.hotclone.memory;
