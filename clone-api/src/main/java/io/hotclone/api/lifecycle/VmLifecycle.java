package io.hotclone.api.lifecycle;

import io.hotclone.api.publishing.PublicEvents;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.VmRecord;
import io.hotclone.api.persistence.Vms;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventCodec;
import io.hotclone.events.Requester;
import io.hotclone.hypervisor.VmInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Every change of the VM read model that billing and audit must see goes through here: the row is
 * locked, changed, and the lifecycle CloudEvent its {@link VmMeter} calls for is appended through
 * {@link PublicEvents} in the same transaction (so a row change and its event commit together, and
 * two observers of one change publish it once). Needs the caller's transaction.
 */
@Component
public class VmLifecycle {

  private final Vms vms;
  private final VmMeterRows rows;
  private final CloneOperations operations;
  private final PublicEvents publicEvents;
  private final VmLifecycleCloudEvents encoder;
  private final Set<String> deleting = ConcurrentHashMap.newKeySet();

  public VmLifecycle(Vms vms, VmMeterRows rows, CloneOperations operations, PublicEvents publicEvents, EventCodec codec) {
    this.vms = vms;
    this.rows = rows;
    this.operations = operations;
    this.publicEvents = publicEvents;
    this.encoder = new VmLifecycleCloudEvents(codec.mapper());
  }

  /** A VM made through {@code POST /api/v1/vms} by {@code principal} with {@code labels}, running at {@code at}. */
  public void created(VmInfo vm, String tenant, Map<String, String> labels, Requester principal, Instant at) {
    String id = vm.id().value();
    VmMeter before = lock(id);
    vms.observed(vm, at, tenant, labels);
    before.opening(VmEventType.CREATED).ifPresent(t -> publish(t, id, principal, null, null, before, at));
  }

  /** A clone made by {@code cloneId} for {@code principal} ({@code labels}: the request's), started at {@code at}. */
  public void cloned(
      ConfiguredClone clone, String sourceVm, UUID cloneId, String tenant, Map<String, String> labels, Requester principal,
      Instant at) {
    VmMeter before = lock(clone.vmId());
    vms.cloned(clone, sourceVm, cloneId, tenant, labels, at);
    before.opening(VmEventType.CLONED).ifPresent(t -> publish(t, clone.vmId(), principal, null, null, before, at));
  }

  /**
   * A VM as the hypervisor reported it at {@code at}: recorded (unless its meter ended: a stale
   * sighting), {@code discovered} when nothing opened its meter yet and no clone that makes it is
   * in progress, {@code state-changed} when its state differs from the last recorded.
   */
  public void observed(VmInfo vm, Instant at) {
    String id = vm.id().value();
    VmMeter before = lock(id);
    if (before.ended()) {
      return;
    }
    vms.observed(vm, at);
    boolean making = !before.metered() && vm.parent() != null && operations.inProgressFrom(vm.parent().value());
    before
        .sighting(vm.state(), making)
        .ifPresent(t -> publish(t, id, null, t == VmEventType.STATE_CHANGED ? before.state() : null, null, before, at));
  }

  /**
   * A warm pool's ready clone {@code vmId} was claimed by {@code principal} at {@code at}: its labels
   * overlaid with {@code labels}, a {@code claimed} event (reason {@code reason}) published. Its
   * meter, open since the clone was made for the pool, runs on (the pool's tenant is the claimer's).
   */
  public void claimed(String vmId, Map<String, String> labels, Requester principal, String reason, Instant at) {
    VmMeter before = lock(vmId);
    if (before.ended()) {
      return;
    }
    vms.relabel(vmId, labels, at);
    publish(VmEventType.CLAIMED, vmId, principal, null, reason, before, at);
  }

  /**
   * The VM was deleted ({@link VmEventType#DELETED}, by {@code principal}) or found gone ({@link
   * VmEventType#GONE}) at {@code at}: marked GONE, its meter closed. Returns false when it was GONE
   * already.
   */
  public boolean ended(String vmId, VmEventType type, Requester principal, String reason, Instant at) {
    requireTransaction();
    Optional<VmMeter> row = rows.lock(vmId);
    if (row.isEmpty()) {
      return false;
    }
    VmMeter before = row.get();
    boolean marked = vms.markGone(vmId, at) > 0;
    before.ending(type).ifPresent(t -> publish(t, vmId, principal, before.state(), reason, before, at));
    return marked;
  }

  /**
   * Runs {@code delete} (the hypervisor call that destroys {@code vmId}) with the VM marked as being
   * deleted by a request, so a reconciliation that finds it missing meanwhile leaves its ending to
   * the request (whose event names who deleted it).
   */
  public void deleting(String vmId, Runnable delete) {
    deleting.add(vmId);
    try {
      delete.run();
    } finally {
      deleting.remove(vmId);
    }
  }

  /** Whether a request of this process is deleting {@code vmId} right now. */
  public boolean beingDeleted(String vmId) {
    return deleting.contains(vmId);
  }

  private VmMeter lock(String vmId) {
    requireTransaction();
    return rows.lock(vmId).orElse(VmMeter.NONE);
  }

  private void publish(
      VmEventType type, String vmId, Requester principal, String previousState, String reason, VmMeter before, Instant at) {
    rows.recorded(vmId, type, at);
    VmRecord r = vms.find(vmId).orElseThrow();
    VmLifecycleEvent event =
        new VmLifecycleEvent(
            type, r.id(), r.name(), r.host(), r.tenant(), principal, r.vcpus(), r.memoryBytes(), r.disks(), r.labels(),
            r.parentVm(), r.rootVm(), r.generation(), r.cloneId(), r.state(), previousState, reason, at, before.seq());
    publicEvents.append(encoder.encode(event), key(vmId), r.tenant());
  }

  /** The Kafka key of a VM's events: its id (VM ids are UUIDs; any other id maps to a stable one). */
  static UUID key(String vmId) {
    try {
      UUID id = UUID.fromString(vmId);
      if (id.toString().equals(vmId)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // not a UUID: a name-based one
    }
    return UUID.nameUUIDFromBytes(vmId.getBytes(StandardCharsets.UTF_8));
  }

  private static void requireTransaction() {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("VmLifecycle needs a transaction");
    }
  }
}
