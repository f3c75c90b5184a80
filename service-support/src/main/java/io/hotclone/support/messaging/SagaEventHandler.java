package io.hotclone.support.messaging;

import io.hotclone.events.EventEnvelope;

/**
 * What a service does with the saga events. Implementations ignore types they do not own, skip
 * event ids their inbox has seen, and turn a failing step into a {@code CloneFailed} event rather
 * than an exception; an exception means "infrastructure trouble, retry, then dead-letter".
 */
@FunctionalInterface
public interface SagaEventHandler {
  void on(EventEnvelope event);
}
