package io.hotclone.api.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Step durations derived from the instants at which an operation reached its phases. The duration
 * of a step is the time from the latest earlier phase that has an instant to the phase the step
 * reaches, so a missing phase (an event that never passed) folds into the next step rather than
 * producing a negative or absurd value. Keys are the steps' wire names ({@link
 * io.hotclone.events.saga.SagaStep#wireName()}: {@code freeze-storage}, …, {@code configure-clone})
 * in saga order; the request and the completion are not steps that take time of their own here.
 */
public final class StepTimings {

  private StepTimings() {}

  public static Map<String, Long> stepMillis(Map<Phase, Instant> reachedAt) {
    Map<String, Long> out = new LinkedHashMap<>();
    Instant previous = reachedAt.get(Phase.REQUESTED);
    for (Phase phase : Phase.values()) {
      if (phase == Phase.REQUESTED || phase.isTerminal()) {
        continue;
      }
      Instant at = reachedAt.get(phase);
      if (at == null) {
        continue;
      }
      if (previous != null) {
        out.put(phase.step().wireName(), Math.max(0, Duration.between(previous, at).toMillis()));
      }
      previous = at;
    }
    return out;
  }

  /** Milliseconds from {@code from} to {@code to}, never negative; {@code null} if either is unknown. */
  public static Long between(Instant from, Instant to) {
    if (from == null || to == null) {
      return null;
    }
    return Math.max(0, Duration.between(from, to).toMillis());
  }
}
