package io.hotclone.api.web;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.CloneRequestRules;
import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.messaging.OperationOutcomes;
import io.hotclone.api.messaging.WaitingRequests;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.Vms;
import io.hotclone.api.security.Caller;
import io.hotclone.api.security.SecurityProperties;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventEnvelope;
import java.util.List;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import io.hotclone.support.outbox.Outbox;
import io.hotclone.support.tracing.TraceContexts;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Accepts clone requests of a {@link Caller}. The request is checked (rules → 422; a source VM the
 * caller's tenant does not own, unknown or a host it may not use → 404; source not running → 409),
 * then admitted ({@link Admission}: 429 beyond the in-flight limits) and, in one transaction, the
 * operation is inserted in {@code REQUESTED} with the caller as requester and the source's tenant,
 * the source recorded in the read model, and {@code CloneRequested} plus the public requested
 * CloudEvent appended to the outbox — unless the source is being cloned: then the operation waits
 * for its turn without a {@code CloneRequested} ({@link WaitingRequests}).
 *
 * <p>{@code Idempotency-Key} (IETF draft, scoped to the tenant): a key seen before with the same
 * body returns the operation it made (200), without a second {@code CloneRequested}, even if the
 * source has changed since; with another body it is 422 {@code idempotency-key-reused}; while the
 * first request with the key is still being processed it is 409 {@code idempotency-key-in-flight}.
 */
@Component
public class CloneRequests {

  private final TenantVms tenantVms;
  private final VmDirectory directory;
  private final CloneOperations operations;
  private final io.hotclone.api.lifecycle.VmLifecycle lifecycle;
  private final Outbox outbox;
  private final OperationOutcomes outcomes;
  private final Admission admission;
  private final SecurityProperties security;
  private final io.hotclone.api.messaging.IpPoolStates pools;
  private final WaitingRequests waiting;
  private final io.hotclone.api.placement.adapter.HostPlacement placement;
  private final TraceContexts traces;
  private final IdempotencyKeys keys = new IdempotencyKeys();
  private final TransactionTemplate tx;
  private final Clock clock;

  public CloneRequests(
      TenantVms tenantVms,
      VmDirectory directory,
      CloneOperations operations,
      io.hotclone.api.lifecycle.VmLifecycle lifecycle,
      Outbox outbox,
      OperationOutcomes outcomes,
      Admission admission,
      SecurityProperties security,
      io.hotclone.api.messaging.IpPoolStates pools,
      WaitingRequests waiting,
      io.hotclone.api.placement.adapter.HostPlacement placement,
      TraceContexts traces,
      TransactionTemplate tx,
      Clock clock) {
    this.tenantVms = tenantVms;
    this.directory = directory;
    this.operations = operations;
    this.lifecycle = lifecycle;
    this.outbox = outbox;
    this.outcomes = outcomes;
    this.admission = admission;
    this.security = security;
    this.pools = pools;
    this.waiting = waiting;
    this.placement = placement;
    this.traces = traces;
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

  /**
   * Refuses (422) a request whose target host's IP pool, as config-service last counted it, has
   * fewer free addresses than clones asked for. Known only up to that count's age (about a second):
   * requests racing for the last addresses pass here and the later ones end {@code FAILED} at
   * configure-clone with the pool's name in the reason.
   */
  private void requireAddresses(String host, int count) {
    pools.forHost(host).filter(p -> p.free() < count).ifPresent(p -> {
      throw new RequestRejected("count", "ip-pool-exhausted",
          "IP pool " + p.network() + " (" + p.cidr() + ") of host " + host + " has " + p.free() + " free address"
              + (p.free() == 1 ? "" : "es") + " of " + p.capacity() + "; the request needs " + count);
    });
  }

  public Accepted submit(Caller caller, CloneRequestBody body, String idempotencyKey) {
    String key = IdempotencyKeys.validate(idempotencyKey);
    CloneRequestRules.Checked checked =
        CloneRequestRules.check(
            body.sourceVm(), body.targetHost(), body.count(), body.name(), body.names(), body.leaseMillis());
    String policy = identityPolicy(body.identityPolicy());
    if (body.targetHost() != null && body.placement() != null) {
      throw new RequestRejected("placement", "ambiguous", "placement applies to a request without targetHost");
    }
    Placing placing = new Placing(
        body.targetHost() == null ? io.hotclone.api.placement.PlacementPolicy.parse(body.placement()) : null,
        Boolean.TRUE.equals(body.partial()));
    java.util.SortedMap<String, String> labels = io.hotclone.api.labels.Labels.check("labels", body.labels());
    String fingerprint = IdempotencyKeys.fingerprint(body);
    if (key == null) {
      return create(caller, checked, placing, policy, labels, null, fingerprint);
    }
    try (IdempotencyKeys.Claim claim = keys.claim(caller.tenant(), key)) {
      Optional<Accepted> replay = replay(caller, key, fingerprint);
      if (replay.isPresent()) {
        return replay.get();
      }
      try {
        return create(caller, checked, placing, policy, labels, key, fingerprint);
      } catch (DuplicateKeyException e) {
        // another clone-api instance committed the key meanwhile
        return replay(caller, key, fingerprint).orElseThrow(() -> e);
      }
    }
  }

  /**
   * A warm pool's refill: ONE operation (one freeze) of {@code count} standby clones of {@code
   * sourceVm} ({@link ClonePlan#standby()}: links down once their identity is applied) with {@code
   * identityPolicy} and {@code labels}, requested by {@code owner}, checked and admitted as any
   * request; {@code alsoInTx} runs in the transaction that inserts it (the pool records its refill).
   * The clones are placed by the pool's {@code placement} policy (null: spread) over the hosts the
   * pool's tenant may use, as a request without a target host is. Empty when the source is being cloned: a refill never waits
   * in line with other requests (its standby flag is not kept by a waiting request); the caller
   * tries again later.
   */
  public Optional<CloneOperation> submitStandby(
      Caller owner, String sourceVm, int count, String identityPolicy, String placement,
      java.util.SortedMap<String, String> labels, java.util.function.Consumer<CloneOperation> alsoInTx) {
    VmInfo source = tenantVms.requireLive(owner, sourceVm);
    String tenant = tenantVms.tenantOf(source);
    if (source.state() != VmState.RUNNING) {
      throw new ApiProblem(HttpStatus.CONFLICT, "vm-not-running",
          "VM " + source.id() + " is " + source.state() + "; only a RUNNING VM can be hot-cloned");
    }
    String sourceName = source.identity() == null ? null : source.identity().name();
    Instant now = clock.instant();
    Caller requester = new Caller(owner.subject(), tenant, owner.keyId(), owner.scopes());
    return Optional.ofNullable(tx.execute(s -> {
      // placed like any request without a target host (422 no-capacity: the refill backs off), in
      // the transaction that records it (placements are serialized)
      List<String> hosts = this.placement.place(
          tenant, count, source.memoryBytes(), io.hotclone.api.placement.PlacementPolicy.parse(placement));
      ClonePlan plan = new ClonePlan(source.id().value(), source.host().value(), hosts.get(0), count,
          java.util.List.of(), CloneRequestRules.DEFAULT_LEASE_MILLIS, identityPolicy, hosts, false, true);
      CloneOperation requested =
          CloneOperation.requested(UUID.randomUUID(), null, requester.requester(), plan, sourceName, labels, now);
      admission.admit(tenant);
      if (waiting.mustWait(plan.sourceVm())) {
        return null;
      }
      operations.insert(requested, null, identityPolicy, traces.current());
      this.placement.record(requested.id(), source.memoryBytes());
      lifecycle.observed(source, now);
      outbox.append(EventEnvelope.of(requested.id(), new CloneRequested(plan, owner.subject(), requester.requester()), now));
      outcomes.requested(requested);
      alsoInTx.accept(requested);
      return requested;
    }));
  }

  private Optional<Accepted> replay(Caller caller, String key, String fingerprint) {
    return operations.findByIdempotencyKey(caller.tenant(), key).map(existing -> {
      if (!fingerprint.equals(existing.fingerprint())) {
        throw new RequestRejected("Idempotency-Key", "idempotency-key-reused",
            "Idempotency-Key " + ApiProblem.quote(key) + " was used with another request body");
      }
      return new Accepted(existing.operation(), false);
    });
  }

  /** How the request's clones find their hosts: {@code policy} null = all on its targetHost. */
  private record Placing(io.hotclone.api.placement.PlacementPolicy policy, boolean partial) {}

  /**
   * The host of each clone: none (all on the request's target host, checked as before: allowed to
   * the tenant, known, IP pool not short) or placed by the request's policy (422 no-capacity).
   */
  private List<String> hostsFor(String tenant, CloneRequestRules.Checked checked, Placing placing, VmInfo source) {
    if (placing.policy() == null) {
      if (!security.allowsHost(tenant, checked.targetHost())) {
        throw ApiProblem.notFound("host-not-found", "no host named " + ApiProblem.quote(checked.targetHost()));
      }
      directory.requireHost(checked.targetHost());
      return List.of();
    }
    return placement.place(tenant, checked.count(), source.memoryBytes(), placing.policy());
  }

  private static ClonePlan plan(
      VmInfo source, CloneRequestRules.Checked checked, String policy, List<String> hosts, boolean partial) {
    return new ClonePlan(
        source.id().value(),
        source.host().value(),
        hosts.isEmpty() ? checked.targetHost() : hosts.get(0),
        checked.count(),
        checked.names(),
        checked.leaseMillis(),
        policy,
        hosts,
        partial,
        false);
  }

  private Accepted create(
      Caller caller,
      CloneRequestRules.Checked checked,
      Placing placing,
      String policy,
      java.util.SortedMap<String, String> labels,
      String key,
      String fingerprint) {
    VmInfo source = tenantVms.requireLive(caller, checked.sourceVm());
    String tenant = tenantVms.tenantOf(source);
    if (placing.policy() == null) {
      hostsFor(tenant, checked, placing, source); // 404 before 409, as before placement
    }
    if (source.state() != VmState.RUNNING) {
      throw new ApiProblem(
          HttpStatus.CONFLICT,
          "vm-not-running",
          "VM " + source.id() + " is " + source.state() + "; only a RUNNING VM can be hot-cloned");
    }
    if (placing.policy() == null) {
      requireAddresses(checked.targetHost(), checked.count());
    }
    String sourceName = source.identity() == null ? null : source.identity().name();
    Instant now = clock.instant();
    // the operation belongs to its source's tenant (the caller's, or any for an admin)
    Caller owner = new Caller(caller.subject(), tenant, caller.keyId(), caller.scopes());
    CloneOperation op =
        tx.execute(
            s -> {
              // placed in the transaction that records it: placements are serialized (422 first)
              List<String> hosts = placing.policy() == null ? List.of() : hostsFor(tenant, checked, placing, source);
              ClonePlan plan = plan(source, checked, policy, hosts, placing.partial());
              CloneOperation requested =
                  CloneOperation.requested(UUID.randomUUID(), key, owner.requester(), plan, sourceName, labels, now)
                      .placedBy(placing.policy() == null ? null : placing.policy().wireName());
              admission.admit(tenant);
              boolean waits = waiting.mustWait(plan.sourceVm());
              CloneOperation inserted = waits ? requested.held() : requested;
              operations.insert(inserted, fingerprint, policy, traces.current());
              placement.record(inserted.id(), source.memoryBytes());
              lifecycle.observed(source, now);
              if (!waits) {
                outbox.append(
                    EventEnvelope.of(inserted.id(), new CloneRequested(plan, caller.subject(), owner.requester()), now));
              }
              outcomes.requested(inserted);
              return inserted;
            });
    return new Accepted(op, true);
  }
}
