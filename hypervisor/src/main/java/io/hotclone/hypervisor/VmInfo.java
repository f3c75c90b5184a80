package io.hotclone.hypervisor;

/**
 * A VM as its hypervisor reports it.
 *
 * @param storagePointer the id of the storage pointer (block map / disk file) the VM writes to
 * @param parent the VM this one was cloned from, or {@code null} for a root VM
 * @param guestIdentity for a started clone, what was done to give its guest its own identity (null
 *     for root VMs and when the driver does not know)
 * @param vcpus the number of virtual CPUs; 0 when the driver does not report it
 * @param disks every disk in device order with its virtual size; empty when the driver does not
 *     report them
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
    GuestStatus guest,
    GuestIdentity guestIdentity,
    int vcpus,
    java.util.List<DiskSize> disks) {

  public VmInfo {
    disks = disks == null ? java.util.List.of() : java.util.List.copyOf(disks);
  }

  public VmInfo(
      VmId id,
      HostName host,
      VmIdentity identity,
      VmState state,
      long memoryBytes,
      long diskBytes,
      String storagePointer,
      VmId parent,
      GuestStatus guest,
      GuestIdentity guestIdentity) {
    this(id, host, identity, state, memoryBytes, diskBytes, storagePointer, parent, guest, guestIdentity, 0, java.util.List.of());
  }

  public VmInfo(
      VmId id,
      HostName host,
      VmIdentity identity,
      VmState state,
      long memoryBytes,
      long diskBytes,
      String storagePointer,
      VmId parent,
      GuestStatus guest) {
    this(id, host, identity, state, memoryBytes, diskBytes, storagePointer, parent, guest, null);
  }
}
