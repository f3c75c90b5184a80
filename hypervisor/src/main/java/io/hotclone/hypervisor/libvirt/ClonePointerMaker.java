package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

/**
 * Step 7: the clone's own qcow2 overlay of each disk over that disk's base frozen at the cut,
 * created through the target host's shared pool ({@code <backingStore>}). The base must already be frozen, i.e. the
 * cut overlay must exist: otherwise the base is still the source's active file and the clone
 * would share a writable file (QEMU's locking would refuse it anyway).
 */
final class ClonePointerMaker {
  private final Hosts hosts;
  private final Pools pools;
  private final LibvirtOptions options;

  ClonePointerMaker(Hosts hosts, Pools pools, LibvirtOptions options) {
    this.hosts = hosts;
    this.pools = pools;
    this.options = options;
  }

  /** One overlay per disk of the source, each over that disk's base frozen at the cut. */
  StoragePointer create(OperationId op, VmId vm, HostName target) {
    List<DomainXml.Disk> disks;
    try (DomainRef d = hosts.require(vm)) {
      disks = StorageFreezer.fileDisks(DomainXml.parse(d.xml()), vm);
    }
    StoragePool pool = pools.shared(target);
    try {
      Pools.refresh(pool);
      List<StoragePointer.Disk> made = new ArrayList<>();
      for (int i = 0; i < disks.size(); i++) {
        made.add(create(pool, op, vm, target, i, disks.get(i).target()));
      }
      return StoragePointer.of(target, made);
    } finally {
      Pools.free(pool);
    }
  }

  private StoragePointer.Disk create(StoragePool pool, OperationId op, VmId vm, HostName target, int index, String device) {
    StorageVol base = null;
    StorageVol clone = null;
    try {
      String name = Names.cloneDisk(op, index, device);
      String baseName = Names.storageOverlay(vm, op.cloneId(), index, device);
      String basePath = options.sharedStorageDir().resolve(baseName).toString();
      Optional<StorageVol> existing = Pools.volume(pool, name);
      if (existing.isPresent()) {
        clone = existing.get();
        return new StoragePointer.Disk(device, name, Pools.path(clone), basePath);
      }
      base = Pools.volume(pool, baseName).orElseThrow(() -> new HypervisorException.NotFrozen(op, "storage of " + vm + " (" + device + ")"));
      if (Pools.volume(pool, Names.cutOverlay(vm, op.cloneId(), index, device)).map(v -> { Pools.free(v); return true; }).isEmpty()) {
        throw new HypervisorException.NotFrozen(op, "memory of " + vm + " (no cut of " + device + " yet, the base is still written)");
      }
      try {
        clone = Pools.createOverlay(pool, name, Pools.capacity(base), basePath);
      } catch (LibvirtException e) {
        throw Failures.driver("create clone overlay " + name + " on " + target, e);
      }
      return new StoragePointer.Disk(device, name, Pools.path(clone), basePath);
    } finally {
      Pools.free(base);
      Pools.free(clone);
    }
  }
}
