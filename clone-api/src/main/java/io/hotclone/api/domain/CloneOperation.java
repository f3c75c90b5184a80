package io.hotclone.api.domain;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.Requester;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One clone operation as clone-api knows it: what was asked for, the phase it is in, when it
 * reached each phase, and how it ended. Immutable; the {@code with…} methods return changed copies.
 *
 * @param id the clone id (Kafka key of every event of this operation)
 * @param idempotencyKey the client's {@code Idempotency-Key}, or {@code null}
 * @param requester who asked (subject, tenant, API key id); the operation belongs to its tenant
 * @param sourceVm the source VM's id
 * @param sourceVmName the source VM's name at request time (for lookups by name), may be {@code null}
 * @param reachedAt when each phase was reached (event time for saga steps)
 * @param failure why it failed, {@code null} unless {@link Phase#FAILED}
 * @param clones the configured clones, empty until {@link Phase#COMPLETED}
 * @param sourcePauseMicros how long the source's guest was paused for the cut, once memory froze;
 *     {@code null} while unknown, including when the hypervisor could not measure it
 * @param freezeMillis how long the source's memory was frozen, once it was unfrozen
 */
public record CloneOperation(
    UUID id,
    String idempotencyKey,
    Requester requester,
    String sourceVm,
    String sourceVmName,
    String sourceHost,
    String targetHost,
    int count,
    List<String> names,
    long leaseMillis,
    Phase phase,
    Instant requestedAt,
    Instant updatedAt,
    Map<Phase, Instant> reachedAt,
    Instant completedAt,
    Failure failure,
    List<ConfiguredClone> clones,
    Long sourcePauseMicros,
    Long freezeMillis) {

  public CloneOperation {
    java.util.Objects.requireNonNull(requester, "requester");
    names = names == null ? List.of() : List.copyOf(names);
    clones = clones == null ? List.of() : List.copyOf(clones);
    EnumMap<Phase, Instant> copy = new EnumMap<>(Phase.class);
    if (reachedAt != null) {
      copy.putAll(reachedAt);
    }
    reachedAt = Collections.unmodifiableMap(copy);
  }

  /** A new operation in {@link Phase#REQUESTED}. */
  public static CloneOperation requested(
      UUID id, String idempotencyKey, Requester requester, ClonePlan plan, String sourceVmName, Instant now) {
    return new CloneOperation(
        id,
        idempotencyKey,
        requester,
        plan.sourceVm(),
        sourceVmName,
        plan.sourceHost(),
        plan.targetHost(),
        plan.count(),
        plan.names(),
        plan.leaseMillis(),
        Phase.REQUESTED,
        now,
        now,
        Map.of(Phase.REQUESTED, now),
        null,
        null,
        List.of(),
        null,
        null);
  }

  /** The tenant the operation belongs to (its source's). */
  public String tenant() {
    return requester.tenant();
  }

  public ClonePlan plan() {
    return new ClonePlan(sourceVm, sourceHost, targetHost, count, names, leaseMillis);
  }

  public boolean isTerminal() {
    return phase.isTerminal();
  }

  public Map<String, Long> stepMillis() {
    return StepTimings.stepMillis(reachedAt);
  }

  /** Milliseconds from request to completion; {@code null} unless completed. */
  public Long totalMillis() {
    return StepTimings.between(requestedAt, completedAt);
  }

  /** Records when a phase was reached; the first instant recorded for a phase wins. */
  public CloneOperation withReached(Phase reached, Instant at) {
    if (reached == null || reachedAt.containsKey(reached)) {
      return this;
    }
    EnumMap<Phase, Instant> next = new EnumMap<>(Phase.class);
    next.putAll(reachedAt);
    next.put(reached, at);
    return new CloneOperation(
        id, idempotencyKey, requester, sourceVm, sourceVmName, sourceHost, targetHost, count, names, leaseMillis, phase,
        requestedAt, updatedAt, next, completedAt, failure, clones, sourcePauseMicros, freezeMillis);
  }

  /** Applies a transition that happened at {@code now}; an unchanged transition returns this. */
  public CloneOperation withTransition(Transition t, Instant now) {
    if (!t.changed()) {
      return this;
    }
    CloneOperation next = withReached(t.to(), now);
    return new CloneOperation(
        id, idempotencyKey, requester, sourceVm, sourceVmName, sourceHost, targetHost, count, names, leaseMillis, t.to(),
        requestedAt, now, next.reachedAt, t.to() == Phase.COMPLETED ? now : completedAt,
        t.failure() != null ? t.failure() : failure, clones, sourcePauseMicros, freezeMillis);
  }

  public CloneOperation withClones(List<ConfiguredClone> configured) {
    return new CloneOperation(
        id, idempotencyKey, requester, sourceVm, sourceVmName, sourceHost, targetHost, count, names, leaseMillis, phase,
        requestedAt, updatedAt, reachedAt, completedAt, failure, configured, sourcePauseMicros, freezeMillis);
  }

  /** The source's measured pause; null or negative (not measured) leaves it unknown (null). */
  public CloneOperation withSourcePauseMicros(Long micros) {
    Long known = micros == null || micros < 0 ? null : micros;
    return new CloneOperation(
        id, idempotencyKey, requester, sourceVm, sourceVmName, sourceHost, targetHost, count, names, leaseMillis, phase,
        requestedAt, updatedAt, reachedAt, completedAt, failure, clones, known, freezeMillis);
  }

  public CloneOperation withFreezeMillis(long millis) {
    return new CloneOperation(
        id, idempotencyKey, requester, sourceVm, sourceVmName, sourceHost, targetHost, count, names, leaseMillis, phase,
        requestedAt, updatedAt, reachedAt, completedAt, failure, clones, sourcePauseMicros, millis);
  }
}
