package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.VmId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 1: one disk-only external snapshot of every disk (NO_METADATA|DISK_ONLY|ATOMIC: all disks
 * switch at one instant or none does). The running source's writes to each disk go to a new
 * overlay {@link Names#storageOverlay}; the file it wrote to before is that disk's frozen base.
 * Repeating finds the overlays in the source's chains and does nothing. Before a first freeze, each chain that would pass the depth budget with the clone's two files is flattened
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
      List<DomainXml.Disk> disks = fileDisks(DomainXml.parse(d.xml()), vm);
      // a clone adds two files to each disk's chain (the frozen base and the cut overlay): make room
      // first, before the lease, so the chains stay within budget and a failed clone's release finds
      // its overlays on top
      if (!disks.get(0).chain().contains(overlay(vm, op, 0, disks.get(0)))) {
        for (DomainXml.Disk disk : disks) {
          List<String> before = disk.chain();
          int after = ChainFlattener.enforce(d, disk.target(), Math.max(1, options.chainDepthBudget() - 2), java.time.Duration.ofMinutes(5));
          if (after < before.size() && before.size() > 1) {
            reaper.deleteDropped(d.host(), before.get(1)); // what the pull left behind, unless a clone reads it
          }
        }
        disks = fileDisks(DomainXml.parse(d.xml()), vm);
      }
      Leases.Lease l = leases.holdStorage(op, d, lease);
      List<StorageFreeze.Disk> frozen = new ArrayList<>();
      Map<String, String> toSnapshot = new LinkedHashMap<>();
      for (int i = 0; i < disks.size(); i++) {
        DomainXml.Disk disk = disks.get(i);
        String overlay = overlay(vm, op, i, disk);
        List<String> chain = disk.chain();
        int at = chain.indexOf(overlay);
        String base;
        if (at >= 0) {
          if (at + 1 >= chain.size()) {
            throw new HypervisorException.DriverFailure("overlay " + overlay + " has no base in the live chain", null);
          }
          base = chain.get(at + 1);
        } else {
          base = chain.get(0);
          toSnapshot.put(disk.target(), overlay);
        }
        frozen.add(new StorageFreeze.Disk(disk.target(), base, overlay));
      }
      if (!toSnapshot.isEmpty()) {
        if (toSnapshot.size() != disks.size()) {
          // one atomic snapshot switches every disk or none: a part means the disks changed meanwhile
          throw new HypervisorException.DriverFailure(
              "disks " + toSnapshot.keySet() + " of " + vm + " are not frozen while the others are", null);
        }
        Snapshots.create(
            d,
            Snapshots.xml("hc-" + op.cloneId() + "-storage", toSnapshot, null),
            Snapshots.NO_METADATA | Snapshots.DISK_ONLY | Snapshots.ATOMIC,
            "disk-only snapshot");
      }
      StorageFreeze.Disk first = frozen.get(0);
      return new StorageFreeze(op, vm, first.baseRef(), first.sourcePointer(), Instant.now(), l.until(), frozen);
    }
  }

  private String overlay(VmId vm, OperationId op, int index, DomainXml.Disk disk) {
    return options.sharedStorageDir().resolve(Names.storageOverlay(vm, op.cloneId(), index, disk.target())).toString();
  }

  /**
   * The VM's disks, all file-backed (block and network disks are refused: the driver freezes disks
   * by qcow2 overlays in shared storage).
   */
  static List<DomainXml.Disk> fileDisks(DomainXml xml, VmId vm) {
    List<DomainXml.Disk> disks = xml.disks();
    int all = xml.all("/domain/devices/disk[@device='disk' or not(@device)]").size();
    if (disks.isEmpty() || disks.size() != all) {
      throw new HypervisorException.Unsupported(
          vm + " has " + (all - disks.size()) + " disk(s) without a file source of " + all + ": the libvirt driver clones file-backed disks");
    }
    return disks;
  }
}
