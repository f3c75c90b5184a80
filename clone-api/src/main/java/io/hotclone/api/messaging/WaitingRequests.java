package io.hotclone.api.messaging;

import io.hotclone.api.ApiProperties;
import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.CloneRequestRules;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.CloneOperations.Member;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.Requester;
import io.hotclone.support.outbox.Outbox;
import io.hotclone.support.tracing.TraceContexts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Requests of a source VM that is being cloned wait in clone-api, and the ones that can share a
 * freeze are coalesced into one saga when the source's storage is unfrozen: one freeze of the
 * source, one memory image, {@code count} = the sum of their counts; each operation keeps its id,
 * status, stream and lifecycle events and gets its slice of the saga's clones.
 *
 * <p>A request waits ({@link #mustWait}) while another operation of its source freezes it or is
 * about to ({@code REQUESTED} … {@code MEMORY_UNFROZEN}), or waits itself. When an operation of the
 * source stops freezing it (storage unfrozen, completed or failed), {@link #dispatch} hands the
 * oldest waiting request and every later one that can share its saga to one saga (the oldest's id)
 * and sends its {@code CloneRequested}; the others wait for the next turn. Requests share a saga
 * when they have the same tenant, target host (of clone 0; a placed request's other clones keep their
 * hosts: the saga's plan lists every clone's), identity policy, lease and {@code partial}, and either all ask for
 * generated names or all give names that do not overlap; together at most {@link
 * CloneRequestRules#MAX_COUNT} clones. Both steps take the source's lock, so a request and a
 * dispatch of the same source are one after the other for every clone-api instance.
 *
 * <p>Off ({@code hotclone.api.coalesce-waiting-requests=false}): every request sends its {@code
 * CloneRequested} at once and storage-service's freeze queue runs them one freeze after another.
 */
@Component
public class WaitingRequests {

  private static final Logger log = LoggerFactory.getLogger(WaitingRequests.class);

  private final CloneOperations operations;
  private final Outbox outbox;
  private final TraceContexts traces;
  private final boolean enabled;

  public WaitingRequests(CloneOperations operations, Outbox outbox, TraceContexts traces, ApiProperties properties) {
    this.operations = operations;
    this.outbox = outbox;
    this.traces = traces;
    this.enabled = properties.coalesceWaitingRequests();
  }

  /**
   * In the caller's transaction, before a new operation of {@code sourceVm} is inserted: whether it
   * must wait for its turn (then it is inserted {@link CloneOperation#held held} and sends nothing).
   */
  public boolean mustWait(String sourceVm) {
    if (!enabled) {
      return false;
    }
    operations.lockSource(sourceVm);
    return operations.sourceBusy(sourceVm);
  }

  /**
   * In the caller's transaction, after an operation of {@code sourceVm} stopped freezing it: unless
   * another saga of the source still freezes it, hands the waiting requests that can share a saga to
   * one and appends its {@code CloneRequested}.
   *
   * @return the id of the saga dispatched, if one was
   */
  public Optional<UUID> dispatch(String sourceVm, Instant now) {
    operations.lockSource(sourceVm);
    if (operations.sourceFrozen(sourceVm)) {
      return Optional.empty();
    }
    List<Member> waiting = operations.lockWaiting(sourceVm);
    if (waiting.isEmpty()) {
      return Optional.empty();
    }
    List<Member> saga = coalesce(waiting);
    Member first = saga.get(0);
    UUID sagaId = first.operation().id();
    int offset = 0;
    for (Member m : saga) {
      operations.joinSaga(m.operation().id(), sagaId, offset);
      offset += m.operation().plan().count();
    }
    ClonePlan plan = sagaPlan(saga, first.identityPolicy());
    Requester requester = first.operation().request().requester();
    int members = saga.size();
    traces.continueTrace(first.traceparent(), "dispatch CloneRequested (waited)", sagaId, () -> {
      outbox.append(EventEnvelope.of(sagaId, new CloneRequested(plan, requester.subject(), requester), now));
      log.info("clone {}: {} waiting request(s) of {} dispatched as one saga of {} clone(s), {} still waiting",
          sagaId, members, sourceVm, plan.count(), waiting.size() - members);
    });
    return Optional.of(sagaId);
  }

  /**
   * The plan of the saga {@code members} (in offset order) make together: the first's plan with
   * their counts summed, their names in order, each clone's host in order (empty when every member
   * puts all its clones on the first's target host), and {@code identityPolicy}.
   */
  public static ClonePlan sagaPlan(List<Member> members, String identityPolicy) {
    ClonePlan p = members.get(0).operation().plan();
    int count = 0;
    List<String> names = new ArrayList<>();
    List<String> hosts = new ArrayList<>();
    for (Member m : members) {
      ClonePlan mp = m.operation().plan();
      count += mp.count();
      names.addAll(mp.names());
      for (int i = 0; i < mp.count(); i++) {
        hosts.add(mp.hostFor(i));
      }
    }
    boolean oneHost = hosts.stream().allMatch(p.targetHost()::equals);
    return new ClonePlan(p.sourceVm(), p.sourceHost(), p.targetHost(), count, names, p.leaseMillis(), identityPolicy,
        oneHost ? List.of() : hosts, p.partial(), p.standby());
  }

  /**
   * The oldest waiting request and, in order, every later one that can share its saga (see the
   * class comment), as long as the counts together stay within {@link CloneRequestRules#MAX_COUNT}.
   */
  static List<Member> coalesce(List<Member> waiting) {
    Member first = waiting.get(0);
    List<Member> saga = new ArrayList<>(List.of(first));
    int count = first.operation().plan().count();
    Set<String> names = new HashSet<>(first.operation().plan().names());
    for (Member m : waiting.subList(1, waiting.size())) {
      ClonePlan plan = m.operation().plan();
      if (!canShare(first, m) || !Collections.disjoint(names, plan.names())) {
        continue;
      }
      if (count + plan.count() > CloneRequestRules.MAX_COUNT) {
        break;
      }
      saga.add(m);
      count += plan.count();
      names.addAll(plan.names());
    }
    return saga;
  }

  private static boolean canShare(Member a, Member b) {
    CloneOperation x = a.operation();
    CloneOperation y = b.operation();
    return x.tenant().equals(y.tenant())
        && x.plan().targetHost().equals(y.plan().targetHost())
        && x.plan().partial() == y.plan().partial()
        && x.plan().leaseMillis() == y.plan().leaseMillis()
        && x.plan().names().isEmpty() == y.plan().names().isEmpty()
        && Objects.equals(a.identityPolicy(), b.identityPolicy());
  }
}
