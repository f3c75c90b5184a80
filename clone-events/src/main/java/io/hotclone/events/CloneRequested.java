package io.hotclone.events;

/**
 * A clone was requested (clone-api). Storage freezes the source on it.
 *
 * @param requestedBy the requesting subject (kept for readers of the first contract version)
 * @param requester who asked, with tenant and API key id; {@code null} in events of producers that
 *     predate it (added in schema version 1 as an optional field: consumers must accept its absence)
 */
public record CloneRequested(ClonePlan plan, String requestedBy, Requester requester) implements CloneEvent {

  /** An event without a requester (tests and older producers). */
  public CloneRequested(ClonePlan plan, String requestedBy) {
    this(plan, requestedBy, null);
  }
}
