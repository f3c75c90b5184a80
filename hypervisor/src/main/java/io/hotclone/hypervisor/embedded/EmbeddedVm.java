package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.GuestStatus;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One embedded VM: identity, tiered memory, the top layer of its disk, vCPU registers, device
 * state and the guest counter and checksum. {@link #lock} guards every mutable field and the
 * guest's writes; a guest tick only runs if it gets the lock at once, so holding it pauses the
 * guest. {@link #image} is held for reading while a frozen image is copied and for writing while
 * buffers are merged, so a merge never races a copy.
 */
final class EmbeddedVm {
  /** An embedded VM has one vCPU (one register file) and one disk. */
  static final int VCPUS = 1;

  static final String DISK_DEVICE = io.hotclone.hypervisor.StorageFreeze.SINGLE_DISK;

  final VmId id;
  final HostName host;
  final VmIdentity identity;
  final long memoryBytes;
  final long diskBytes;
  final PageMemory memory;
  final VmId parent;
  final UUID cloneOf;
  final ReentrantLock lock = new ReentrantLock();
  final ReentrantReadWriteLock image = new ReentrantReadWriteLock();
  final long memWorkingSet;
  final int diskWorkingSet;
  final LatencyLog latencies;

  Layer disk;
  String pointerId;
  VmState state;
  boolean guestPaused;
  long counter;
  long checksum;
  long[] registers = new long[4];
  long[] devices = new long[2];
  UUID memoryFrozenBy;
  /** Whether the guest answers a guest agent (true unless a test removed it; a clone inherits it). */
  boolean agent = true;
  /** A clone's guest identity as its start left it; null: applied by construction. */
  io.hotclone.hypervisor.GuestIdentity guestIdentity;

  EmbeddedVm(VmId id, HostName host, VmIdentity identity, long memoryBytes, long diskBytes,
      PageMemory memory, VmId parent, UUID cloneOf, EmbeddedOptions options) {
    this.id = id;
    this.host = host;
    this.identity = identity;
    this.memoryBytes = memoryBytes;
    this.diskBytes = diskBytes;
    this.memory = memory;
    this.parent = parent;
    this.cloneOf = cloneOf;
    this.memWorkingSet = Math.min(memory.pages, options.memoryWorkingSetPages());
    this.diskWorkingSet = (int) Math.min(diskBytes / BlockArena.BLOCK, options.diskWorkingSetBlocks());
    this.latencies = options.recordWriteLatency() ? new LatencyLog(1 << 20) : null;
  }

  /** One guest iteration, unless the guest is paused, not running, or someone holds its lock. */
  void tick(SharedStorage storage) {
    if (!lock.tryLock()) {
      return;
    }
    try {
      if (state != VmState.RUNNING || guestPaused) {
        return;
      }
      long t0 = latencies == null ? 0 : System.nanoTime();
      long k = counter + 1;
      long c = GuestWorkload.nextChecksum(checksum, k);
      memory.writeLongs(GuestWorkload.page(k, memWorkingSet), GuestWorkload.memOffset(k), k, c);
      int block = GuestWorkload.block(k, diskWorkingSet);
      int offset = GuestWorkload.diskOffset(k);
      storage.write(disk, block, offset, GuestWorkload.diskRecord(k, c));
      counter = k;
      checksum = c;
      registers = GuestWorkload.registers(k, c);
      devices = new long[] {block, offset};
      if (latencies != null) {
        latencies.add(System.nanoTime() - t0);
      }
    } finally {
      lock.unlock();
    }
  }

  VmInfo info() {
    lock.lock();
    try {
      VmState shown = state == VmState.RUNNING && guestPaused ? VmState.PAUSED : state;
      // the embedded guest's identity is the VM's own by construction (nothing of the source's
      // survives), unless its guest has no agent: then it is what its policy left (NoAgentIdentity)
      return new VmInfo(id, host, identity, shown, memoryBytes, diskBytes, pointerId, parent,
          new GuestStatus(counter, checksum), parent == null ? null
              : guestIdentity != null ? guestIdentity : io.hotclone.hypervisor.GuestIdentity.byConstruction(identity),
          VCPUS, java.util.List.of(new io.hotclone.hypervisor.DiskSize(DISK_DEVICE, diskBytes)));
    } finally {
      lock.unlock();
    }
  }
}
