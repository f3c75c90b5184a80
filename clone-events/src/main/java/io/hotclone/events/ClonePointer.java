package io.hotclone.events;

/** The storage pointer of clone {@code index}: its own block map over the shared base. */
public record ClonePointer(int index, String pointerId, String location, String baseRef) {}
