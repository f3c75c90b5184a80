package io.hotclone.support.messaging;

import io.hotclone.events.EventEnvelope;

/** The outbox as a saga step sees it: an event appended commits with the current transaction. */
@FunctionalInterface
public interface StepOutbox {
  void append(EventEnvelope event);
}
