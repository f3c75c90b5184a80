package io.hotclone.api.domain;

import io.hotclone.events.ConfiguredClone;
import java.time.Instant;
import java.util.List;

/**
 * How the operation ended: the clones made and when it completed, or why it failed. Open (nothing
 * of either) until the operation is terminal. Immutable.
 *
 * @param completedAt when it completed, {@code null} unless {@link Phase#COMPLETED}
 * @param clones the configured clones, empty until {@link Phase#COMPLETED}
 * @param failure why it failed, {@code null} unless {@link Phase#FAILED}
 * @param failedClones the clones of a {@code partial} request that failed on their own and were
 *     removed while the others completed; empty otherwise
 */
public record Outcome(
    Instant completedAt, List<ConfiguredClone> clones, Failure failure, List<io.hotclone.events.FailedClone> failedClones) {

  /** Not ended yet. */
  public static final Outcome OPEN = new Outcome(null, List.of(), null);

  public Outcome {
    clones = clones == null ? List.of() : List.copyOf(clones);
    failedClones = failedClones == null ? List.of() : List.copyOf(failedClones);
  }

  public Outcome(Instant completedAt, List<ConfiguredClone> clones, Failure failure) {
    this(completedAt, clones, failure, List.of());
  }

  Outcome withClones(List<ConfiguredClone> configured) {
    return new Outcome(completedAt, configured, failure, failedClones);
  }

  Outcome withClones(List<ConfiguredClone> configured, List<io.hotclone.events.FailedClone> failed) {
    return new Outcome(completedAt, configured, failure, failed);
  }

  Outcome completedAt(Instant at) {
    return new Outcome(at, clones, failure, failedClones);
  }

  Outcome failed(Failure why) {
    return new Outcome(completedAt, clones, why, failedClones);
  }
}
