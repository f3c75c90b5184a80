package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creating root VMs with fresh identities (MAC {@code 52:54:00:xx:xx:xx}, IP {@code 10.0.x.y}; labels
 * only) and destroying VMs: the guest stops, freezes of the VM are dropped, and its layer
 * references are released so unreferenced blocks are freed. Both under the driver monitor.
 */
final class VmLifecycle {
  private final DriverState state;
  private final AtomicLong identities = new AtomicLong();

  VmLifecycle(DriverState state) {
    this.state = state;
  }

  VmInfo createVm(VmSpec spec) {
    if (spec.disks() != 1) {
      throw new HypervisorException.Unsupported("the embedded hypervisor gives a VM one disk, not " + spec.disks());
    }
    synchronized (state) {
      state.checkHost(spec.host());
      long memory = roundUp(Math.max(spec.memoryBytes(), PageMemory.CHUNK), PageMemory.CHUNK);
      long disk = roundUp(Math.max(spec.diskBytes(), BlockArena.BLOCK), BlockArena.BLOCK);
      UUID uuid = UUID.randomUUID();
      VmIdentity identity;
      do { // skip generated MACs/IPs that clones configured elsewhere already use
        long n = identities.incrementAndGet();
        identity = new VmIdentity(spec.name(), uuid, macFor(n), spec.name(), ipFor(n),
            "EMB-" + uuid.toString().substring(0, 8), UUID.randomUUID());
      } while (state.clashes(identity) != null && !state.clashes(identity).startsWith("name"));
      state.checkIdentity(identity);
      VmId id = new VmId(uuid.toString());
      EmbeddedVm vm = new EmbeddedVm(id, spec.host(), identity, memory, disk, state.newMemory(spec.host(), id, memory),
          null, null, state.options);
      vm.disk = state.storage.newDisk();
      vm.pointerId = "ptr-" + id;
      vm.state = VmState.RUNNING;
      state.vms.put(id, vm);
      return vm.info();
    }
  }

  void destroyVm(VmId vmId) {
    synchronized (state) {
      EmbeddedVm vm = state.vms.remove(vmId);
      if (vm == null) {
        return;
      }
      for (CloneSession s : state.sessions.values()) {
        if (s.source.equals(vmId)) {
          s.memoryHeld = false;
          s.storageHeld = false;
          if (s.pinnedCut != null) {
            state.storage.release(s.pinnedCut);
            s.pinnedCut = null;
          }
        }
      }
      vm.image.writeLock().lock();
      vm.lock.lock();
      try {
        vm.state = VmState.STOPPED;
        state.storage.release(vm.disk);
        vm.memory.close();
      } finally {
        vm.lock.unlock();
        vm.image.writeLock().unlock();
      }
      state.pointers.values().removeIf(p -> vmId.equals(p.boundTo));
      state.notifyAll();
    }
  }

  static String macFor(long n) {
    return String.format("52:54:00:%02x:%02x:%02x", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  }

  static String ipFor(long n) {
    return "10.0." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  static long roundUp(long v, long unit) {
    return (v + unit - 1) / unit * unit;
  }
}
