package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 3, 6 and 7 and the compensation: copying the frozen image to the target host, creating a
 * clone pointer over the cut layer, defining a clone from a verified image with its unique identity
 * (I5), starting it, and {@link #release releasing} what a clone id left behind. The copy runs
 * outside the driver monitor, holding the source's image read lock so no merge overlaps it.
 */
final class Cloner {
  private static final Logger log = LoggerFactory.getLogger(Cloner.class);

  private final DriverState state;
  private final Freezer freezer;
  private final VmLifecycle lifecycle;

  Cloner(DriverState state, Freezer freezer, VmLifecycle lifecycle) {
    this.state = state;
    this.freezer = freezer;
    this.lifecycle = lifecycle;
  }

  CopiedState copyState(OperationId op, VmId vmId, HostName target) {
    EmbeddedVm vm;
    CloneSession s;
    String name = op.fileSafe() + ".img";
    Path file = state.hostDir(target).resolve("images").resolve(name);
    synchronized (state) {
      vm = state.existingVm(vmId);
      state.checkHost(vm.host);
      state.checkHost(target);
      s = state.heldSession(op, vmId);
      if (!s.memoryHeld) {
        throw new HypervisorException.NotFrozen(op, "memory of " + vmId);
      }
      s.images.add(file);
      // No writer can be waiting: writers (merge, destroy) hold this monitor.
      vm.image.readLock().lock();
    }
    // Never take this monitor while holding the read lock: merges wait for copies under it.
    try {
      if (state.options.recordDigests() && s.cutMemoryDigest.isEmpty()) {
        s.cutMemoryDigest = vm.memory.digest(true);
        s.cutDiskDigest = state.storage.layer(s.cutBaseRef).map(state.storage::digest).orElse("");
      }
      StateImage.Written w = StateImage.write(file, new StateImage.Header(vm.memoryBytes, vm.diskBytes,
          s.cutCounter, s.cutChecksum, s.cutRegisters, s.cutDevices), vm.memory);
      return new CopiedState(op, vmId, target, "hosts/" + target + "/images/" + name, w.bytes(),
          w.pagesCopied(), w.zeroPagesSkipped(), w.checksum());
    } finally {
      vm.image.readLock().unlock();
    }
  }

  StoragePointer createClonePointer(OperationId op, VmId vmId, HostName target) {
    synchronized (state) {
      state.checkHost(target);
      CloneSession s = state.sessions.get(op.cloneId());
      if (s != null && s.expired) {
        throw new HypervisorException.LeaseExpired(op);
      }
      if (s == null || s.cutBaseRef == null || !s.source.equals(vmId)) {
        throw new HypervisorException.NotFrozen(op, "memory cut of " + vmId);
      }
      Layer base = s.pinnedCut != null ? s.pinnedCut : state.storage.layer(s.cutBaseRef)
          .orElseThrow(() -> new HypervisorException.NotFrozen(op, "base " + s.cutBaseRef));
      Layer layer = state.storage.branch(base);
      String id = "ptr-" + op.fileSafe();
      StoragePointer p = new StoragePointer(id, target, "shared/" + layer.id, base.id);
      long diskBytes = state.vms.containsKey(vmId) ? state.vms.get(vmId).diskBytes : 0;
      state.pointers.put(id, new PointerRecord(p, layer, op.cloneId(), diskBytes));
      s.pointers.add(id);
      return p;
    }
  }

  VmInfo configureClone(OperationId op, CloneSpec spec) {
    synchronized (state) {
      HostName target = spec.state().target();
      state.checkHost(target);
      PointerRecord ptr = state.pointers.get(spec.disk().id());
      if (ptr == null || ptr.boundTo != null) {
        throw new HypervisorException.DriverFailure("storage pointer " + spec.disk().id()
            + (ptr == null ? " does not exist" : " is used by " + ptr.boundTo), null);
      }
      state.checkIdentity(spec.identity());
      EmbeddedVm source = state.vms.get(spec.source());
      boolean agent = source == null || source.agent;
      // a guest without an agent: the policy decides before anything is made (require-agent refuses)
      io.hotclone.hypervisor.GuestIdentity identity = agent ? null : NoAgentIdentity.of(spec.identity(), spec.policy());
      if (spec.standby()) {
        // a warm pool's ready clone: identity as ever, the link held down until bringLinksUp
        identity = (identity == null ? io.hotclone.hypervisor.GuestIdentity.byConstruction(spec.identity()) : identity)
            .heldDownForStandby();
      }
      Path image = state.storageDir.resolve(spec.state().imageRef()).normalize();
      if (!image.startsWith(state.storageDir.normalize()) || !Files.exists(image)) {
        throw new HypervisorException.CorruptImage("no image " + spec.state().imageRef());
      }
      VmId id = new VmId(spec.identity().uuid().toString());
      StateImage.Header[] header = new StateImage.Header[1];
      PageMemory memory = StateImage.read(image, h -> {
        header[0] = h;
        return state.newMemory(target, id, h.memoryBytes());
      });
      StateImage.Header h = header[0];
      EmbeddedVm vm = new EmbeddedVm(id, target, spec.identity(), h.memoryBytes(), h.diskBytes(), memory,
          spec.source(), ptr.cloneId, state.options);
      vm.disk = ptr.layer;
      vm.pointerId = ptr.pointer.id();
      vm.counter = h.counter();
      vm.checksum = h.checksum();
      vm.registers = h.registers();
      vm.devices = h.devices();
      vm.state = VmState.DEFINED;
      vm.agent = agent;
      vm.guestIdentity = identity;
      ptr.boundTo = id;
      state.vms.put(id, vm);
      return vm.info();
    }
  }

  VmInfo startClone(VmId cloneId) {
    synchronized (state) {
      EmbeddedVm vm = state.existingVm(cloneId);
      state.checkHost(vm.host);
      vm.lock.lock();
      try {
        if (vm.state == VmState.DEFINED) {
          CloneSession s = vm.cloneOf == null ? null : state.sessions.get(vm.cloneOf);
          String mem = state.options.recordDigests() ? vm.memory.digest(false) : "";
          String disk = state.options.recordDigests() ? state.storage.digest(vm.disk) : "";
          state.cuts.put(cloneId, new CloneCut(vm.cloneOf, vm.parent, cloneId, vm.disk.parent.id,
              s == null ? -1 : s.cutCounter, s == null ? -1 : s.cutChecksum,
              s == null ? "" : s.cutMemoryDigest, s == null ? "" : s.cutDiskDigest, vm.counter, mem, disk));
          vm.state = VmState.RUNNING;
        } else if (vm.state != VmState.RUNNING) {
          throw new HypervisorException.VmNotRunning(cloneId, vm.state);
        }
      } finally {
        vm.lock.unlock();
      }
      return vm.info();
    }
  }

  /**
   * Brings a running clone's held-down link up (standby, or {@code ISOLATED} under policy
   * isolate); its identity report says so from then on. Idempotent.
   */
  VmInfo bringLinksUp(VmId id) {
    synchronized (state) {
      EmbeddedVm vm = state.existingVm(id);
      state.checkHost(vm.host);
      vm.lock.lock();
      try {
        if (vm.state != VmState.RUNNING) {
          throw new HypervisorException.VmNotRunning(id, vm.state);
        }
        if (vm.guestIdentity != null && !vm.guestIdentity.linkUp()) {
          vm.guestIdentity = vm.guestIdentity.withLinksUp("1 NIC(s)", 0);
        }
      } finally {
        vm.lock.unlock();
      }
      return vm.info();
    }
  }

  void release(UUID cloneId) {
    synchronized (state) {
      CloneSession s = state.sessions.get(cloneId);
      if (s == null) {
        return;
      }
      freezer.thawAll(s);
      for (EmbeddedVm vm : List.copyOf(state.vms.values())) {
        if (cloneId.equals(vm.cloneOf) && vm.state == VmState.DEFINED) {
          lifecycle.destroyVm(vm.id);
        }
      }
      for (String id : s.pointers) {
        PointerRecord p = state.pointers.get(id);
        if (p != null && p.boundTo == null) {
          state.pointers.remove(id);
          state.storage.release(p.layer);
        }
      }
      s.pointers.clear();
      for (Path image : s.images) {
        try {
          Files.deleteIfExists(image);
        } catch (IOException e) {
          log.warn("cannot delete image {}: {}", image.getFileName(), e.toString());
        }
      }
      s.images.clear();
      freezer.unpin(s);
    }
  }
}
