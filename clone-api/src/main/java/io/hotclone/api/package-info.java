/**
 * clone-api: the service that owns clone operations. It accepts clone requests over REST, starts
 * the saga with {@code CloneRequested}, follows every saga event to keep each operation's phase,
 * publishes the public lifecycle CloudEvents, and keeps the VM and host read models (identity and
 * lineage) consistent with the hypervisor. Subpackages: {@code web} (REST controllers, problem
 * details, views), {@code domain} (pure logic), {@code messaging} (saga side), {@code persistence}
 * (its tables), {@code security} (callers, keys, tokens), {@code portal} (the static portal).
 */
package io.hotclone.api;
