/**
 * Freeze leases (invariant I4): a freeze is recorded before it is made, and released by the saga,
 * by compensation or, once its deadline passed, by the {@link
 * io.hotclone.support.lease.LeaseWatchdog}, which thaws the VM and fails the clone. {@link
 * io.hotclone.support.lease.FreezeLease} is that logic for one freezing step, shared by storage and
 * memory.
 */
package io.hotclone.support.lease;
