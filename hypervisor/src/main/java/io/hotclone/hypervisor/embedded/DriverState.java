package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmState;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything one embedded driver knows: hosts and their reachability, shared storage, VMs, clone
 * sessions, storage pointers and clone cut records. Its monitor serialises the control operations
 * (freezes, thaws, copies' bookkeeping, configure, release, destroy); guest ticks never take it, so
 * holding it never stalls a guest. The maps are concurrent so inspection can read them without it.
 */
final class DriverState {
  final Path storageDir;
  final EmbeddedOptions options;
  final Map<HostName, Boolean> hosts = new LinkedHashMap<>();
  /** Physical memory per host where set ({@link EmbeddedHypervisor#setHostMemory}). */
  final Map<HostName, Long> hostMemory = new ConcurrentHashMap<>();
  final SharedStorage storage;
  final Map<VmId, EmbeddedVm> vms = new ConcurrentHashMap<>();
  final Map<UUID, CloneSession> sessions = new ConcurrentHashMap<>();
  final Map<String, PointerRecord> pointers = new ConcurrentHashMap<>();
  final Map<VmId, CloneCut> cuts = new ConcurrentHashMap<>();
  volatile boolean closed;

  DriverState(Path storageDir, List<HostName> hostNames, EmbeddedOptions options) {
    this.storageDir = storageDir;
    this.options = options;
    for (HostName h : hostNames) {
      hosts.put(h, Boolean.TRUE);
    }
    this.storage = new SharedStorage(storageDir);
  }

  CloneSession heldSession(OperationId op, VmId vmId) {
    CloneSession s = sessions.get(op.cloneId());
    if (s != null && s.expired) {
      throw new HypervisorException.LeaseExpired(op);
    }
    if (s == null || !s.source.equals(vmId)) {
      throw new HypervisorException.NotFrozen(op, "storage of " + vmId);
    }
    return s;
  }

  EmbeddedVm existingVm(VmId id) {
    EmbeddedVm vm = vms.get(id);
    if (vm == null) {
      throw new HypervisorException.VmNotFound(id);
    }
    return vm;
  }

  EmbeddedVm runningVm(VmId id) {
    EmbeddedVm vm = existingVm(id);
    if (vm.state != VmState.RUNNING) {
      throw new HypervisorException.VmNotRunning(id, vm.state);
    }
    return vm;
  }

  synchronized void checkHost(HostName host) {
    Boolean reachable = hosts.get(host);
    if (reachable == null) {
      throw new HypervisorException.HostNotFound(host);
    }
    if (!reachable) {
      throw new HypervisorException.HostUnreachable(host, null);
    }
  }

  /** I5: no live VM may share name, UUID, MAC or IP with {@code id}. */
  void checkIdentity(VmIdentity id) {
    String clash = clashes(id);
    if (clash != null) {
      throw new HypervisorException.IdentityConflict(clash);
    }
  }

  String clashes(VmIdentity id) {
    for (EmbeddedVm vm : vms.values()) {
      VmIdentity other = vm.identity;
      String clash = other.name().equals(id.name()) ? "name " + id.name()
          : other.uuid().equals(id.uuid()) ? "UUID " + id.uuid()
          : other.mac().equalsIgnoreCase(id.mac()) ? "MAC " + id.mac()
          : other.ip().equals(id.ip()) ? "IP " + id.ip()
          : null;
      if (clash != null) {
        return clash + " is used by live VM " + vm.id;
      }
    }
    return null;
  }

  PageMemory newMemory(HostName host, VmId id, long bytes) {
    return new PageMemory(bytes, options.swapFraction(), hostDir(host).resolve("vms").resolve(id + ".swap"));
  }

  Path hostDir(HostName host) {
    return storageDir.resolve("hosts").resolve(host.value());
  }
}
