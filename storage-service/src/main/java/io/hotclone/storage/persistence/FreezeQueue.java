package io.hotclone.storage.persistence;

import io.hotclone.events.ClonePlan;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Admits one storage freeze per VM at a time: a clone of a VM whose freeze another clone holds is
 * queued, and handed over once no freeze of the VM is held.
 */
public interface FreezeQueue {

  /**
   * Registers the clone's freeze lease if no other clone holds a freeze of {@code vmId}; otherwise
   * queues {@code envelope} with its {@code traceparent} (a repeat is queued once).
   *
   * @return true when admitted (the caller freezes now), false when queued
   */
  boolean admitOrQueue(UUID cloneId, String vmId, ClonePlan plan, Instant leaseUntil, byte[] envelope, String traceparent);

  /** The oldest queued request for {@code vmId}, if no freeze of it is held any more. */
  Optional<Queued> next(String vmId);

  /** Drops a queued request (its clone failed before it started); returns its VM. */
  Optional<String> drop(UUID cloneId);

  /** A queued clone request: the encoded envelope and the trace it belongs to (null: none). */
  record Queued(byte[] envelope, String traceparent) {}
}
