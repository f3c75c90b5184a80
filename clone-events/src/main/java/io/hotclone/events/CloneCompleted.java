package io.hotclone.events;

import java.util.List;
import java.util.Map;

/**
 * The clone operation ended well (public). {@code stepMillis} holds the time of each step,
 * {@code sourcePauseMicros} the source's pause for the cut (null when it was not measured) and
 * {@code freezeMillis} how long its memory was frozen.
 */
public record CloneCompleted(
    ClonePlan plan,
    List<ConfiguredClone> clones,
    Map<String, Long> stepMillis,
    long totalMillis,
    Long sourcePauseMicros,
    long freezeMillis)
    implements CloneEvent {}
