package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.MemoryThaw;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.StorageThaw;
import io.hotclone.hypervisor.VmId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 1, 2, 4 and 5 and the leases: freezing storage and memory (slowest tier first, the guest
 * paused only while the cut is taken), thawing by merging buffers in batches, and the watchdog that
 * thaws an expired lease by itself and marks the clone id expired. Every freeze is recorded in the
 * clone id's {@link CloneSession} before it takes effect; a thaw of nothing succeeds with {@code
 * alreadyThawed}. All state changes happen under the {@link DriverState} monitor.
 */
final class Freezer {
  private static final Logger log = LoggerFactory.getLogger(Freezer.class);
  private static final int MERGE_BATCH = 256;

  private final DriverState state;
  private final ScheduledExecutorService watchdog;

  Freezer(DriverState state, ScheduledExecutorService watchdog) {
    this.state = state;
    this.watchdog = watchdog;
  }

  StorageFreeze freezeStorage(OperationId op, VmId vmId, Duration lease) {
    synchronized (state) {
      EmbeddedVm vm = state.runningVm(vmId);
      state.checkHost(vm.host);
      CloneSession s = state.sessions.computeIfAbsent(op.cloneId(), id -> new CloneSession(id, vmId));
      if (s.expired) {
        throw new HypervisorException.LeaseExpired(op);
      }
      if (!s.source.equals(vmId)) {
        throw new HypervisorException.DriverFailure("clone id " + op.cloneId() + " belongs to " + s.source, null);
      }
      Instant now = Instant.now();
      vm.lock.lock();
      try {
        if (!s.storageHeld) {
          state.storage.compact(vm.disk); // absorb bases of earlier clones nobody else uses any more
          Layer base = vm.disk;
          vm.disk = state.storage.freeze(base);
          s.storageBaseRef = base.id;
          s.storageHeld = true;
          s.storageLeaseUntil = now.plus(lease);
          scheduleWatchdog(op.cloneId(), lease);
        }
        return new StorageFreeze(op, vmId, s.storageBaseRef, vm.disk.id, now, s.storageLeaseUntil);
      } finally {
        vm.lock.unlock();
      }
    }
  }

  MemoryFreeze freezeMemory(OperationId op, VmId vmId, Duration lease) {
    synchronized (state) {
      EmbeddedVm vm = state.runningVm(vmId);
      state.checkHost(vm.host);
      CloneSession s = state.heldSession(op, vmId);
      if (!s.storageHeld) {
        throw new HypervisorException.NotFrozen(op, "storage of " + vmId);
      }
      long deadline = System.nanoTime() + lease.toNanos();
      while (vm.memoryFrozenBy != null && !vm.memoryFrozenBy.equals(op.cloneId())) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new HypervisorException.DriverFailure("memory of " + vmId + " stays frozen by "
              + vm.memoryFrozenBy, null);
        }
        waitNanos(left);
        if (s.expired) {
          throw new HypervisorException.LeaseExpired(op);
        }
      }
      if (s.memoryHeld) {
        throw new HypervisorException.DriverFailure("memory already frozen for " + op.cloneId(), null);
      }
      List<String> order = new ArrayList<>();
      for (PageMemory.Tier tier : PageMemory.Tier.values()) { // slowest first
        vm.lock.lock();
        try {
          vm.memory.freeze(tier);
        } finally {
          vm.lock.unlock();
        }
        order.add(tier.name().toLowerCase());
      }
      long pause;
      Instant cutAt;
      vm.lock.lock();
      try {
        long t0 = System.nanoTime();
        s.cutDevices = vm.devices.clone();
        s.cutRegisters = vm.registers.clone();
        s.cutCounter = vm.counter;
        s.cutChecksum = vm.checksum;
        vm.memory.cut();
        Layer cut = vm.disk;
        vm.disk = state.storage.freeze(cut);
        state.storage.retain(cut);
        s.pinnedCut = cut;
        s.cutBaseRef = cut.id;
        pause = System.nanoTime() - t0;
        cutAt = Instant.now();
      } finally {
        vm.lock.unlock();
      }
      order.add("device-state");
      order.add("vcpu-registers");
      vm.memoryFrozenBy = op.cloneId();
      s.memoryHeld = true;
      s.memoryLeaseUntil = cutAt.plus(lease);
      scheduleWatchdog(op.cloneId(), lease);
      return new MemoryFreeze(op, vmId, List.copyOf(order), cutAt, pause, vm.memoryBytes, s.cutBaseRef,
          s.memoryLeaseUntil);
    }
  }

  MemoryThaw unfreezeMemory(OperationId op, VmId vmId) {
    synchronized (state) {
      CloneSession s = state.sessions.get(op.cloneId());
      EmbeddedVm vm = state.vms.get(vmId);
      if (s == null || !s.memoryHeld || vm == null) {
        return new MemoryThaw(vmId, 0, Instant.now(), true);
      }
      long merged = thawMemory(s, vm);
      return new MemoryThaw(vmId, merged, Instant.now(), false);
    }
  }

  StorageThaw unfreezeStorage(OperationId op, VmId vmId) {
    synchronized (state) {
      CloneSession s = state.sessions.get(op.cloneId());
      if (s == null || !s.storageHeld) {
        return new StorageThaw(vmId, Instant.now(), true);
      }
      thawAll(s);
      return new StorageThaw(vmId, Instant.now(), false);
    }
  }

  /** Thaws memory (merging the buffers in batches, the guest running between batches). */
  long thawMemory(CloneSession s, EmbeddedVm vm) {
    long merged = 0;
    vm.image.writeLock().lock();
    try {
      List<Long> pending;
      vm.lock.lock();
      try {
        pending = vm.memory.thawTiers();
      } finally {
        vm.lock.unlock();
      }
      for (int i = 0; i < pending.size(); i += MERGE_BATCH) {
        vm.lock.lock();
        try {
          merged += vm.memory.mergeBatch(pending, i, Math.min(pending.size(), i + MERGE_BATCH));
        } finally {
          vm.lock.unlock();
        }
      }
      vm.lock.lock();
      try {
        vm.memory.endMerge();
      } finally {
        vm.lock.unlock();
      }
    } finally {
      vm.image.writeLock().unlock();
    }
    s.memoryHeld = false;
    vm.memoryFrozenBy = null;
    state.notifyAll();
    return merged;
  }

  void thawAll(CloneSession s) {
    EmbeddedVm vm = state.vms.get(s.source);
    if (s.memoryHeld && vm != null) {
      thawMemory(s, vm);
    }
    s.memoryHeld = false;
    s.storageHeld = false;
  }

  /** Drops the session's pin on its cut layer and compacts the source's chain. */
  void unpin(CloneSession s) {
    if (s.pinnedCut == null) {
      return;
    }
    state.storage.release(s.pinnedCut);
    s.pinnedCut = null;
    EmbeddedVm vm = state.vms.get(s.source);
    if (vm != null) {
      vm.lock.lock();
      try {
        state.storage.compact(vm.disk);
      } finally {
        vm.lock.unlock();
      }
    }
  }

  void scheduleWatchdog(UUID cloneId, Duration lease) {
    watchdog.schedule(() -> expire(cloneId), Math.max(1, lease.toNanos()), TimeUnit.NANOSECONDS);
  }

  void expire(UUID cloneId) {
    synchronized (state) {
      CloneSession s = state.sessions.get(cloneId);
      if (s == null || state.closed) {
        return;
      }
      Instant now = Instant.now();
      boolean storageDue = s.storageHeld && !now.isBefore(s.storageLeaseUntil);
      boolean memoryDue = s.memoryHeld && !now.isBefore(s.memoryLeaseUntil);
      if (storageDue || memoryDue) {
        log.warn("freeze lease of clone {} expired; thawing {}", cloneId, s.source);
        thawAll(s);
        s.expired = true;
        state.notifyAll();
      }
      if (s.storageLeaseUntil != null && !now.isBefore(s.storageLeaseUntil)) {
        unpin(s);
      }
      Instant next = null; // fired early (clock skew): look again when the earliest deadline is due
      if (s.storageHeld || s.pinnedCut != null) {
        next = s.storageLeaseUntil;
      }
      if (s.memoryHeld && (next == null || s.memoryLeaseUntil.isBefore(next))) {
        next = s.memoryLeaseUntil;
      }
      if (next != null) {
        scheduleWatchdog(cloneId, Duration.between(now, next).plusMillis(1));
      }
    }
  }

  void waitNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(state, nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HypervisorException.DriverFailure("interrupted", e);
    }
  }
}
