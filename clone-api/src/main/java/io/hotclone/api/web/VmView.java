package io.hotclone.api.web;

import io.hotclone.api.persistence.VmRecord;
import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.DiskSize;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A VM: live fields from the hypervisor ({@code state}, sizes, {@code guestCounter}, …) joined with
 * the read model's lineage ({@code parentVm}, {@code rootVm}, {@code generation}, {@code cloneId}).
 * A VM the hypervisor no longer knows is shown from the read model with {@code state} {@code GONE}
 * and no live fields. {@code guestIdentity} says, for a clone, what was done to give its guest its
 * own identity (each step applied, skipped with why, or failed) and whether it still needs one.
 * {@code tenant} is the tenant the VM belongs to. {@code vcpus} and {@code disks} (each disk's
 * device and virtual size) are its sizes (live, else as last reported). {@code createdAt} is when it
 * came to exist as its lifecycle events say (created, cloned or first discovered) and {@code
 * endedAt} when it was deleted or found gone: the same instants as the {@code time} of the events
 * that open and close its meter; {@code
 * labels} its labels (empty for a VM the read model does not know yet).
 */
public record VmView(
    String id,
    String host,
    String name,
    String uuid,
    String mac,
    String ip,
    String hostname,
    String smbiosSerial,
    String state,
    Long memoryBytes,
    Long diskBytes,
    String storagePointer,
    Long guestCounter,
    Long guestChecksum,
    String parentVm,
    String rootVm,
    Integer generation,
    UUID cloneId,
    GuestIdentity guestIdentity,
    String tenant,
    Integer vcpus,
    List<DiskSize> disks,
    Instant createdAt,
    Instant endedAt,
    @io.swagger.v3.oas.annotations.media.Schema(description = LabelsSchema.DESCRIPTION, example = LabelsSchema.EXAMPLE)
        java.util.SortedMap<String, String> labels) {

  public static VmView of(VmInfo vm, VmRecord known) {
    VmIdentity id = vm.identity();
    String parent = known != null && known.parentVm() != null ? known.parentVm() : vm.parent() == null ? null : vm.parent().value();
    return new VmView(
        vm.id().value(),
        vm.host().value(),
        id == null ? null : id.name(),
        id == null || id.uuid() == null ? null : id.uuid().toString(),
        id == null ? null : id.mac(),
        id == null ? null : id.ip(),
        id == null ? null : id.hostname(),
        id == null ? null : id.smbiosSerial(),
        vm.state() == null ? null : vm.state().name(),
        vm.memoryBytes(),
        vm.diskBytes(),
        vm.storagePointer(),
        vm.guest() == null ? null : vm.guest().counter(),
        vm.guest() == null ? null : vm.guest().checksum(),
        parent,
        known != null ? known.rootVm() : parent == null ? vm.id().value() : null,
        known != null ? Integer.valueOf(known.generation()) : parent == null ? Integer.valueOf(0) : null,
        known == null ? null : known.cloneId(),
        vm.guestIdentity(),
        known == null ? null : known.tenant(),
        vm.vcpus() > 0 ? Integer.valueOf(vm.vcpus()) : known == null ? null : known.vcpus(),
        !vm.disks().isEmpty() ? vm.disks() : known == null ? List.of() : known.disks(),
        known == null ? null : known.createdAt(),
        known == null ? null : known.endedAt(),
        known == null ? io.hotclone.api.labels.Labels.none() : known.labels());
  }

  public static VmView of(VmRecord known) {
    return new VmView(
        known.id(),
        known.host(),
        known.name(),
        known.uuid(),
        known.mac(),
        known.ip(),
        known.hostname(),
        null,
        known.state(),
        known.memoryBytes(),
        null,
        known.storagePointer(),
        null,
        null,
        known.parentVm(),
        known.rootVm(),
        known.generation(),
        known.cloneId(),
        null,
        known.tenant(),
        known.vcpus(),
        known.disks(),
        known.createdAt(),
        known.endedAt(),
        known.labels());
  }
}
