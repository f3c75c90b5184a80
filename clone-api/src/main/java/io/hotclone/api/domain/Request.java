package io.hotclone.api.domain;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.Requester;
import java.time.Instant;
import java.util.Objects;

/**
 * What was asked for, fixed when the operation is requested: the plan, who asked, with which
 * idempotency key, the source's name at that time and when.
 *
 * <p>The plan is kept without its {@code identityPolicy} and {@code standby}: only {@code
 * CloneRequested} carries them to the services; the operation neither stores nor shows them (they
 * have no column), so an operation read back from the database equals the one that was inserted.
 * Its {@code targetHosts} (placement's host per clone) and {@code partial} are kept.
 *
 * @param idempotencyKey the client's {@code Idempotency-Key}, or {@code null}
 * @param requester who asked (subject, tenant, API key id); the operation belongs to its tenant
 * @param plan the source VM, its host, the target host, count, names and lease
 * @param sourceVmName the source VM's name at request time (for lookups by name), may be {@code null}
 * @param requestedAt when the request was accepted
 * @param labels the labels asked for the clones (over their source's), sorted by key, never null
 * @param placement the placement policy that chose the hosts ({@code spread}, {@code pack}), or
 *     {@code null} when the request named its {@code targetHost}
 */
public record Request(
    String idempotencyKey,
    Requester requester,
    ClonePlan plan,
    String sourceVmName,
    Instant requestedAt,
    java.util.SortedMap<String, String> labels,
    String placement) {

  public Request(String idempotencyKey, Requester requester, ClonePlan plan, String sourceVmName, Instant requestedAt) {
    this(idempotencyKey, requester, plan, sourceVmName, requestedAt, null);
  }

  public Request(
      String idempotencyKey, Requester requester, ClonePlan plan, String sourceVmName, Instant requestedAt,
      java.util.SortedMap<String, String> labels) {
    this(idempotencyKey, requester, plan, sourceVmName, requestedAt, labels, null);
  }

  /** This request as placed by {@code policy} (its plan already carries the hosts). */
  public Request withPlacement(String policy) {
    return new Request(idempotencyKey, requester, plan, sourceVmName, requestedAt, labels, policy);
  }

  public Request {
    labels = labels == null ? java.util.Collections.emptySortedMap() : labels;
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(plan, "plan");
    plan = new ClonePlan(
        plan.sourceVm(), plan.sourceHost(), plan.targetHost(), plan.count(), plan.names(), plan.leaseMillis(), null,
        plan.targetHosts(), plan.partial(), false);
  }

  /** The tenant the operation belongs to (its source's). */
  public String tenant() {
    return requester.tenant();
  }
}
