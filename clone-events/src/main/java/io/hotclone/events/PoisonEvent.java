package io.hotclone.events;

/**
 * A message that can never be processed (not JSON, not an envelope, a payload that does not match
 * its type). It is not retried: it goes to the consumer's dead-letter topic as it is.
 */
public final class PoisonEvent extends RuntimeException {
  public PoisonEvent(String message, Throwable cause) {
    super(message, cause);
  }
}
