package io.hotclone.events;

import java.util.List;

/**
 * Step 6 done: every clone listed has its unique identity, runs, and its lineage is recorded.
 *
 * @param clones the clones that run, by index
 * @param failures the clones of a {@code partial} plan that failed on their own and were removed
 *     (optional field, added in schema version 1: absent = none); always empty without {@code
 *     partial}, where one failed clone fails the step
 */
public record CloneConfigured(ClonePlan plan, List<ConfiguredClone> clones, List<FailedClone> failures)
    implements CloneEvent {

  public CloneConfigured {
    failures = failures == null ? List.of() : List.copyOf(failures);
  }

  public CloneConfigured(ClonePlan plan, List<ConfiguredClone> clones) {
    this(plan, clones, List.of());
  }
}
