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
 */
public record Outcome(Instant completedAt, List<ConfiguredClone> clones, Failure failure) {

  /** Not ended yet. */
  public static final Outcome OPEN = new Outcome(null, List.of(), null);

  public Outcome {
    clones = clones == null ? List.of() : List.copyOf(clones);
  }

  Outcome withClones(List<ConfiguredClone> configured) {
    return new Outcome(completedAt, configured, failure);
  }

  Outcome completedAt(Instant at) {
    return new Outcome(at, clones, failure);
  }

  Outcome failed(Failure why) {
    return new Outcome(completedAt, clones, why);
  }
}
