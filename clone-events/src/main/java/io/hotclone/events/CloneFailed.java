package io.hotclone.events;

/**
 * A step failed, or the operation timed out (public). Every service that holds something for this
 * clone (a storage freeze, a memory freeze, a half-made target) releases it on this event.
 *
 * @param step the step that failed, e.g. {@code freeze-storage}
 * @param reason a human-readable reason
 */
public record CloneFailed(ClonePlan plan, String step, String reason) implements CloneEvent {}
