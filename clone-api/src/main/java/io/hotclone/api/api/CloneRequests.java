package io.hotclone.api.api;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.CloneRequestRules;
import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.messaging.OperationOutcomes;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.Vms;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventEnvelope;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import io.hotclone.support.outbox.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Accepts clone requests. An {@code Idempotency-Key} seen before returns the operation it made,
 * without a second {@code CloneRequested}, even if the source has changed since. Otherwise the
 * request is checked (rules → 422, unknown VM or host → 404, source not running → 409) and, in one
 * transaction, the operation is inserted in {@code REQUESTED}, the source recorded in the read model,
 * and {@code CloneRequested} plus the public requested CloudEvent appended to the outbox.
 */
@Component
public class CloneRequests {

  static final int MAX_KEY_LENGTH = 255;

  private final VmDirectory directory;
  private final CloneOperations operations;
  private final Vms vms;
  private final Outbox outbox;
  private final OperationOutcomes outcomes;
  private final TransactionTemplate tx;
  private final Clock clock;

  public CloneRequests(
      VmDirectory directory,
      CloneOperations operations,
      Vms vms,
      Outbox outbox,
      OperationOutcomes outcomes,
      TransactionTemplate tx,
      Clock clock) {
    this.directory = directory;
    this.operations = operations;
    this.vms = vms;
    this.outbox = outbox;
    this.outcomes = outcomes;
    this.tx = tx;
    this.clock = clock;
  }

  /** The operation and whether this call created it ({@code false}: an idempotent replay). */
  public record Accepted(CloneOperation operation, boolean created) {}

  /** The policy's wire name, or null for the deployment's default; anything else is refused. */
  static String identityPolicy(String requested) {
    if (requested == null) {
      return null;
    }
    return io.hotclone.hypervisor.IdentityPolicy.parse(requested)
        .map(io.hotclone.hypervisor.IdentityPolicy::wireName)
        .orElseThrow(() -> new RequestRejected(
            "identityPolicy", "invalid", "identityPolicy must be require-agent, isolate or allow"));
  }

  public Accepted submit(CloneRequestBody body, String idempotencyKey) {
    String key = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey.trim();
    if (key != null && key.length() > MAX_KEY_LENGTH) {
      throw new RequestRejected(
          "Idempotency-Key", "too-long", "Idempotency-Key must be at most " + MAX_KEY_LENGTH + " characters");
    }
    if (key != null) {
      Optional<CloneOperation> existing = operations.findByIdempotencyKey(key);
      if (existing.isPresent()) {
        return new Accepted(existing.get(), false);
      }
    }
    CloneRequestRules.Checked checked =
        CloneRequestRules.check(
            body.sourceVm(), body.targetHost(), body.count(), body.name(), body.names(), body.leaseMillis());
    String policy = identityPolicy(body.identityPolicy());
    VmInfo source = directory.require(checked.sourceVm());
    HostInfo target = directory.requireHost(checked.targetHost());
    if (source.state() != VmState.RUNNING) {
      throw new ApiProblem(
          HttpStatus.CONFLICT,
          "vm-not-running",
          "VM " + source.id() + " is " + source.state() + "; only a RUNNING VM can be hot-cloned");
    }
    ClonePlan plan =
        new ClonePlan(
            source.id().value(),
            source.host().value(),
            target.name().value(),
            checked.count(),
            checked.names(),
            checked.leaseMillis(),
            policy);
    String sourceName = source.identity() == null ? null : source.identity().name();
    Instant now = clock.instant();
    CloneOperation op = CloneOperation.requested(UUID.randomUUID(), key, plan, sourceName, now);
    try {
      tx.executeWithoutResult(
          s -> {
            operations.insert(op);
            vms.observed(source, now);
            outbox.append(EventEnvelope.of(op.id(), new CloneRequested(plan, "api"), now));
            outcomes.requested(op);
          });
      return new Accepted(op, true);
    } catch (DuplicateKeyException e) {
      if (key == null) {
        throw e;
      }
      // a concurrent request with the same key won the race: answer with its operation
      return operations
          .findByIdempotencyKey(key)
          .map(winner -> new Accepted(winner, false))
          .orElseThrow(() -> e);
    }
  }
}
