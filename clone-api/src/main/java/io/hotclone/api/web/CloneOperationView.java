package io.hotclone.api.web;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Phase;
import io.hotclone.events.ConfiguredClone;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A clone operation as the API shows it. {@code phaseTimes} maps each phase reached to when it was
 * reached; {@code stepMillis} the duration of each step by its saga wire name ({@code
 * freeze-storage}, {@code freeze-memory}, {@code copy-state}, {@code unfreeze-memory}, {@code
 * unfreeze-storage}, {@code configure-clone}); {@code cloneVmIds} and {@code clones} are filled once {@code COMPLETED}; {@code
 * failedStep} and {@code failureReason} once {@code FAILED}; {@code tenant}, {@code requestedBy} and
 * {@code keyId} say who asked.
 */
public record CloneOperationView(
    UUID id,
    String phase,
    boolean terminal,
    String sourceVm,
    String sourceVmName,
    String sourceHost,
    String targetHost,
    int count,
    List<String> names,
    long leaseMillis,
    String idempotencyKey,
    String tenant,
    String requestedBy,
    String keyId,
    Instant requestedAt,
    Instant updatedAt,
    Instant completedAt,
    Map<String, Instant> phaseTimes,
    Map<String, Long> stepMillis,
    Long totalMillis,
    Long sourcePauseMicros,
    Long freezeMillis,
    List<String> cloneVmIds,
    List<ConfiguredClone> clones,
    String failedStep,
    String failureReason) {

  public static CloneOperationView of(CloneOperation op) {
    Map<String, Instant> phaseTimes = new LinkedHashMap<>();
    for (Map.Entry<Phase, Instant> e : op.reachedAt().entrySet()) {
      phaseTimes.put(e.getKey().name(), e.getValue());
    }
    return new CloneOperationView(
        op.id(),
        op.phase().name(),
        op.isTerminal(),
        op.sourceVm(),
        op.sourceVmName(),
        op.sourceHost(),
        op.targetHost(),
        op.count(),
        op.names(),
        op.leaseMillis(),
        op.idempotencyKey(),
        op.tenant(),
        op.requester().subject(),
        op.requester().keyId(),
        op.requestedAt(),
        op.updatedAt(),
        op.completedAt(),
        phaseTimes,
        op.stepMillis(),
        op.totalMillis(),
        op.sourcePauseMicros(),
        op.freezeMillis(),
        op.clones().stream().map(ConfiguredClone::vmId).toList(),
        op.clones(),
        op.failure() == null ? null : op.failure().step(),
        op.failure() == null ? null : op.failure().reason());
  }
}
