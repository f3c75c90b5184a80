package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.VmId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Step 1: a disk-only external snapshot (NO_METADATA|DISK_ONLY|ATOMIC). The running source's
 * writes go to the new overlay {@link Names#storageOverlay}; the file it wrote to before is the
 * frozen base. Repeating finds the overlay in the source's chain and does nothing. Before a
 * first freeze, a chain that would pass the depth budget with the clone's two files is flattened
 * by a block pull into the source's active file.
 */
final class StorageFreezer {
  private final Hosts hosts;
  private final LibvirtOptions options;
  private final Leases leases;
  private final FileReaper reaper;

  StorageFreezer(Hosts hosts, LibvirtOptions options, Leases leases, FileReaper reaper) {
    this.hosts = hosts;
    this.options = options;
    this.leases = leases;
    this.reaper = reaper;
  }

  StorageFreeze freeze(OperationId op, VmId vm, Duration lease) {
    try (DomainRef d = hosts.require(vm)) {
      if (!d.active()) {
        throw new HypervisorException.VmNotRunning(vm, d.state());
      }
      DomainXml xml = DomainXml.parse(d.xml());
      if (xml.all("/domain/devices/disk[@device='disk' or not(@device)]").size() != 1) {
        throw new HypervisorException.Unsupported("the libvirt driver clones VMs with exactly one disk");
      }
      String target = xml.firstDiskTarget().orElseThrow();
      // a clone adds two files (the frozen base and the cut overlay): make room first, before the
      // lease, so the chain stays within budget and a failed clone's release finds its overlays on top
      if (!xml.firstDiskChain().contains(options.sharedStorageDir().resolve(Names.storageOverlay(vm, op.cloneId())).toString())) {
        List<String> before = xml.firstDiskChain();
        ChainFlattener.enforce(d, Math.max(1, options.chainDepthBudget() - 2), java.time.Duration.ofMinutes(5));
        xml = DomainXml.parse(d.xml());
        if (xml.firstDiskChain().size() < before.size() && before.size() > 1) {
          reaper.deleteDropped(d.host(), before.get(1)); // what the pull left behind, unless a clone reads it
        }
      }
      Leases.Lease l = leases.holdStorage(op, d, lease);
      String overlay = options.sharedStorageDir().resolve(Names.storageOverlay(vm, op.cloneId())).toString();
      List<String> chain = xml.firstDiskChain();
      int at = chain.indexOf(overlay);
      String base;
      if (at >= 0) {
        if (at + 1 >= chain.size()) {
          throw new HypervisorException.DriverFailure("overlay " + overlay + " has no base in the live chain", null);
        }
        base = chain.get(at + 1);
      } else {
        base = chain.get(0);
        Snapshots.create(
            d,
            Snapshots.xml("hc-" + op.cloneId() + "-storage", target, overlay, null),
            Snapshots.NO_METADATA | Snapshots.DISK_ONLY | Snapshots.ATOMIC,
            "disk-only snapshot");
      }
      return new StorageFreeze(op, vm, base, overlay, Instant.now(), l.until());
    }
  }
}
