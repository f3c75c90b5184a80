package io.hotclone.hypervisor;

/**
 * A VM as its hypervisor reports it.
 *
 * @param storagePointer the id of the storage pointer (block map / disk file) the VM writes to
 * @param parent the VM this one was cloned from, or {@code null} for a root VM
 */
public record VmInfo(
    VmId id,
    HostName host,
    VmIdentity identity,
    VmState state,
    long memoryBytes,
    long diskBytes,
    String storagePointer,
    VmId parent,
    GuestStatus guest) {}
