package io.hotclone.support.messaging;

import io.hotclone.events.EventEnvelope;

/** The inbox as a saga step sees it (the service's {@code inbox} table in production). */
public interface StepInbox {

  /** Whether the event was processed already (read outside the effect's transaction). */
  boolean seen(EventEnvelope event);

  /** Claims the event in the current transaction; false for a repeat, whose effect is skipped. */
  boolean claim(EventEnvelope event);
}
