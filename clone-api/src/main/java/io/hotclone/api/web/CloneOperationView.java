package io.hotclone.api.web;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Outcome;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.domain.Progress;
import io.hotclone.api.domain.Request;
import io.hotclone.events.ClonePlan;
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
 * {@code keyId} say who asked. {@code sagaId} is the clone id of the saga that serves the operation
 * (the Kafka key of its saga events): its own {@code id}, unless the request waited behind another
 * clone of its source and was coalesced with other waiting requests into one saga (one freeze);
 * {@code null} while it waits. {@code labels} are the labels the request asked for its clones.
 * {@code targetHosts} is the host of each clone by index ({@code targetHost} is clone 0's; each
 * entry of {@code clones} carries its {@code host} too); {@code placement} the policy that chose
 * them ({@code spread}, {@code pack}; null when the request named its host); {@code partial}
 * whether each clone settles on its own.
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
    String failureReason,
    UUID sagaId,
    @io.swagger.v3.oas.annotations.media.Schema(description = LabelsSchema.DESCRIPTION, example = LabelsSchema.EXAMPLE)
        java.util.SortedMap<String, String> labels,
    @io.swagger.v3.oas.annotations.media.Schema(description = "the host of each clone by index (targetHost is clone 0's)")
        List<String> targetHosts,
    @io.swagger.v3.oas.annotations.media.Schema(
            description = "the placement policy that chose the hosts; null when the request named its targetHost",
            allowableValues = {"spread", "pack"}, nullable = true)
        String placement,
    @io.swagger.v3.oas.annotations.media.Schema(description = "whether each clone settles on its own (partial: true)")
        boolean partial,
    @io.swagger.v3.oas.annotations.media.Schema(description = "the clones of a partial request that failed on their own"
            + " and were removed (VM destroyed, identity retired; step copy: nothing of it was made) while the others"
            + " completed")
        List<io.hotclone.events.FailedClone> failedClones) {

  public static CloneOperationView of(CloneOperation op) {
    Request request = op.request();
    ClonePlan plan = request.plan();
    Progress progress = op.progress();
    Outcome outcome = op.outcome();
    Map<String, Instant> phaseTimes = new LinkedHashMap<>();
    for (Map.Entry<Phase, Instant> e : progress.reachedAt().entrySet()) {
      phaseTimes.put(e.getKey().name(), e.getValue());
    }
    return new CloneOperationView(
        op.id(),
        progress.phase().name(),
        op.isTerminal(),
        plan.sourceVm(),
        request.sourceVmName(),
        plan.sourceHost(),
        plan.targetHost(),
        plan.count(),
        plan.names(),
        plan.leaseMillis(),
        request.idempotencyKey(),
        request.tenant(),
        request.requester().subject(),
        request.requester().keyId(),
        request.requestedAt(),
        progress.updatedAt(),
        outcome.completedAt(),
        phaseTimes,
        progress.stepMillis(),
        op.totalMillis(),
        progress.sourcePauseMicros(),
        progress.freezeMillis(),
        outcome.clones().stream().map(ConfiguredClone::vmId).toList(),
        outcome.clones(),
        outcome.failure() == null ? null : outcome.failure().step(),
        outcome.failure() == null ? null : outcome.failure().reason(),
        op.sagaId(),
        request.labels(),
        java.util.stream.IntStream.range(0, plan.count()).mapToObj(plan::hostFor).toList(),
        request.placement(),
        plan.partial(),
        outcome.failedClones());
  }
}
