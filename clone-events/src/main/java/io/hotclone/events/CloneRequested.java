package io.hotclone.events;

/** A clone was requested (clone-api). Storage freezes the source on it. */
public record CloneRequested(ClonePlan plan, String requestedBy) implements CloneEvent {}
