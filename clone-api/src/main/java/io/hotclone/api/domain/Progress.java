package io.hotclone.api.domain;

import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How far the operation got: its phase, when it reached each phase (event time for saga steps, the
 * transition's time otherwise; the first instant recorded for a phase wins), when its phase last
 * changed, and the source's figures as the steps report them. Immutable.
 *
 * @param phase the phase the operation is in
 * @param reachedAt when each phase was reached
 * @param updatedAt when the phase last changed
 * @param sourcePauseMicros how long the source's guest was paused for the cut, once memory froze;
 *     {@code null} while unknown, including when the hypervisor could not measure it
 * @param freezeMillis how long the source's memory was frozen, once it was unfrozen
 */
public record Progress(
    Phase phase, Map<Phase, Instant> reachedAt, Instant updatedAt, Long sourcePauseMicros, Long freezeMillis) {

  public Progress {
    EnumMap<Phase, Instant> copy = new EnumMap<>(Phase.class);
    if (reachedAt != null) {
      copy.putAll(reachedAt);
    }
    reachedAt = Collections.unmodifiableMap(copy);
  }

  /** The progress of an operation requested at {@code now}. */
  static Progress requested(Instant now) {
    return new Progress(Phase.REQUESTED, Map.of(Phase.REQUESTED, now), now, null, null);
  }

  /** Each step's duration by its saga wire name ({@link StepTimings}). */
  public Map<String, Long> stepMillis() {
    return StepTimings.stepMillis(reachedAt);
  }

  /**
   * What a saga event tells, whatever the phase does: when the phase it marks was reached (its
   * event time, unless an earlier instant is recorded), the source's pause from {@code
   * MemoryFrozen}, the freeze time from {@code MemoryUnfrozen}.
   */
  Progress observed(EventEnvelope event) {
    Progress next = reached(CloneOperationStateMachine.phaseOf(event.type()), event.occurredAt());
    if (event.payload() instanceof MemoryFrozen frozen) {
      Long known = frozen.pauseMicros() == null || frozen.pauseMicros() < 0 ? null : frozen.pauseMicros();
      return new Progress(next.phase, next.reachedAt, next.updatedAt, known, next.freezeMillis);
    }
    if (event.payload() instanceof MemoryUnfrozen unfrozen) {
      return new Progress(next.phase, next.reachedAt, next.updatedAt, next.sourcePauseMicros, unfrozen.frozenMillis());
    }
    return next;
  }

  /** In {@code phase} since {@code now}. */
  Progress movedTo(Phase phase, Instant now) {
    Progress next = reached(phase, now);
    return new Progress(phase, next.reachedAt, now, sourcePauseMicros, freezeMillis);
  }

  /** Records when {@code reached} was reached; the first instant recorded for a phase wins. */
  Progress reached(Phase reached, Instant at) {
    if (reached == null || reachedAt.containsKey(reached)) {
      return this;
    }
    EnumMap<Phase, Instant> next = new EnumMap<>(Phase.class);
    next.putAll(reachedAt);
    next.put(reached, at);
    return new Progress(phase, next, updatedAt, sourcePauseMicros, freezeMillis);
  }
}
