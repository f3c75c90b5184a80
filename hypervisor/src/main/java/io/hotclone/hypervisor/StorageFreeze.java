package io.hotclone.hypervisor;

import java.time.Instant;
import java.util.List;

/**
 * Step 1: the source's disks are frozen, all of them in one atomic snapshot. {@code baseRef} and
 * {@code sourcePointer} are those of the first disk (the VM's primary disk); {@code disks} lists
 * every disk in the VM's device order, the first one included: its immutable shared base and where
 * the original writes to it from now on.
 */
public record StorageFreeze(
    OperationId op,
    VmId vm,
    String baseRef,
    String sourcePointer,
    Instant frozenAt,
    Instant leaseUntil,
    List<Disk> disks) {

  /** One frozen disk: its device name on the VM ({@code vda}, …), base and new active file. */
  public record Disk(String device, String baseRef, String sourcePointer) {}

  public StorageFreeze {
    disks = disks == null || disks.isEmpty() ? List.of(new Disk(SINGLE_DISK, baseRef, sourcePointer)) : List.copyOf(disks);
  }

  /** A VM with one disk (drivers without device names call it {@value #SINGLE_DISK}). */
  public StorageFreeze(OperationId op, VmId vm, String baseRef, String sourcePointer, Instant frozenAt, Instant leaseUntil) {
    this(op, vm, baseRef, sourcePointer, frozenAt, leaseUntil, null);
  }

  /** The device name of the only disk of a driver that does not name devices. */
  public static final String SINGLE_DISK = "disk0";
}
