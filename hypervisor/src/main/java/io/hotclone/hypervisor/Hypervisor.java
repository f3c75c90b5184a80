package io.hotclone.hypervisor;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A hypervisor driver: the steps of the hot-clone method over a set of hosts.
 *
 * <p>Contract of every mutating operation: it is idempotent by its {@link OperationId} (a repeat
 * returns the first result without a second effect); freezes are leases keyed by {@code
 * op.cloneId()} that the driver releases by itself once {@code lease} has passed; thaws succeed even
 * when nothing is frozen. Failures are {@link HypervisorException}s.
 */
public interface Hypervisor extends AutoCloseable {

  /** {@code embedded} or {@code libvirt}. */
  String driverName();

  List<HostInfo> hosts();

  /**
   * The names of the hosts, without asking them anything (placement then asks each only for its
   * {@link #capacity}). By default from {@link #hosts()}.
   */
  default List<HostName> hostNames() {
    return hosts().stream().map(HostInfo::name).toList();
  }

  /** VMs on a host, as the host reports them now. */
  List<VmInfo> vms(HostName host);

  Optional<VmInfo> findVm(VmId vm);

  default VmInfo requireVm(VmId vm) {
    return findVm(vm).orElseThrow(() -> new HypervisorException.VmNotFound(vm));
  }

  /**
   * The host's memory now: physical, free, and configured for its VMs (placement decides from it
   * with the operator's overcommit ratio).
   */
  HostCapacity capacity(HostName host);

  /** Creates and starts a VM from scratch; drivers that cannot throw {@code Unsupported}. */
  VmInfo createVm(VmSpec spec);

  /**
   * Step 1. Freezes the VM's storage: its current blocks become an immutable base, its later writes
   * go to new blocks. The VM keeps running.
   */
  StorageFreeze freezeStorage(OperationId op, VmId vm, Duration lease);

  /**
   * Step 2. Freezes all memory tiers, slowest first, fastest last; the guest is paused only while
   * vCPU and device state are captured. Writes to frozen memory go to buffers. Needs the storage
   * freeze of the same clone id.
   */
  MemoryFreeze freezeMemory(OperationId op, VmId vm, Duration lease);

  /** Step 3. Copies the frozen memory, vCPU and device state to {@code target}. */
  CopiedState copyState(OperationId op, VmId vm, HostName target);

  /** Step 4. Merges the buffered writes back into the VM's memory. */
  MemoryThaw unfreezeMemory(OperationId op, VmId vm);

  /** Step 5. Unfreezes storage; the base stays shared and immutable. */
  StorageThaw unfreezeStorage(OperationId op, VmId vm);

  /** Step 7. A new storage pointer on {@code target} over the base frozen under this clone id. */
  StoragePointer createClonePointer(OperationId op, VmId vm, HostName target);

  /** Step 6. Defines the clone (not started) from copied state, disk and its unique identity. */
  VmInfo configureClone(OperationId op, CloneSpec spec);

  /**
   * Starts a configured clone; its guest continues from the copied state and is given the clone's
   * identity inside the guest where the driver can (its network link held down until then). The
   * result's {@link VmInfo#guestIdentity()} says what was done; under {@link
   * IdentityPolicy#REQUIRE_AGENT} a guest that could not be re-identified is {@link
   * HypervisorException.IdentityNotApplied} (the caller destroys the clone).
   */
  VmInfo startClone(OperationId op, VmId clone);

  /**
   * Brings up the network links of a clone started in standby ({@link CloneSpec#standby()}): its
   * identity is applied already, so this is all a warm-pool claim waits for. Idempotent; returns
   * the VM as it is then.
   */
  VmInfo bringLinksUp(VmId vm);

  /**
   * Compensation: releases whatever this clone id left behind that is not a finished clone (copied
   * images, unused pointers) and thaws any freeze it holds. Idempotent; succeeds when nothing is held.
   */
  void release(java.util.UUID cloneId);

  /** Stops a VM and frees its storage (blocks/overlay no other VM references). Idempotent. */
  void destroyVm(VmId vm);

  @Override
  void close();
}
