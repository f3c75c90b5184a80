/**
 * clone-api: the service that owns clone operations. It accepts clone requests over REST, starts
 * the saga with {@code CloneRequested}, follows every saga event to keep each operation's phase,
 * publishes the public lifecycle CloudEvents, and keeps the VM and host read models (identity and
 * lineage) consistent with the hypervisor. Subpackages: {@code api} (REST), {@code domain} (pure
 * logic), {@code messaging} (saga side), {@code persistence} (its tables).
 */
package io.hotclone.api;
