package io.hotclone.api.persistence;

import io.hotclone.hypervisor.DiskSize;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A row of the VM read model. {@code rootVm} is the first ancestor (the VM itself for a root),
 * {@code generation} its distance from the root, {@code cloneId} the operation that made it (null
 * for VMs not made by a clone), {@code state} the last state seen ({@code GONE} once the hypervisor
 * no longer knows it), {@code tenant} the tenant it belongs to (its source's, for a clone). {@code
 * createdAt} is when its meter opened (created, cloned or first discovered), {@code endedAt} when
 * it closed (deleted or found gone; null while it lives); {@code vcpus}, {@code memoryBytes} and
 * {@code disks} are its sizes as last reported (null / empty when never reported); {@code metered}
 * whether the event that opens its meter was published; {@code labels} its labels, sorted by key (never null;
 * a clone's are its source's overlaid with its clone request's, see {@link
 * io.hotclone.api.labels.Labels}).
 */
public record VmRecord(
    String id,
    String host,
    String name,
    String uuid,
    String mac,
    String ip,
    String hostname,
    String parentVm,
    String rootVm,
    int generation,
    UUID cloneId,
    String storagePointer,
    String state,
    Instant createdAt,
    Instant updatedAt,
    String tenant,
    Instant endedAt,
    Integer vcpus,
    Long memoryBytes,
    List<DiskSize> disks,
    boolean metered,
    java.util.SortedMap<String, String> labels) {

  public VmRecord {
    disks = disks == null ? List.of() : List.copyOf(disks);
    labels = labels == null ? io.hotclone.api.labels.Labels.none() : labels;
  }
}
