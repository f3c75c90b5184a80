package io.hotclone.events;

import java.util.List;

/** Step 6 done: every clone has its unique identity, runs, and its lineage is recorded. */
public record CloneConfigured(ClonePlan plan, List<ConfiguredClone> clones) implements CloneEvent {}
