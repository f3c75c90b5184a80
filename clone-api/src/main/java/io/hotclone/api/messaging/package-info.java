/**
 * clone-api's side of the saga: the {@link io.hotclone.support.messaging.SagaEventHandler} that
 * advances each operation on every event (inbox claim, phase change and the events it causes in one
 * transaction), the watchdog that fails operations that overran their timeout, and the mapping of
 * operations to the public lifecycle CloudEvents on {@code hotclone.lifecycle}. Everything written to
 * Kafka goes through the outbox.
 */
package io.hotclone.api.messaging;
