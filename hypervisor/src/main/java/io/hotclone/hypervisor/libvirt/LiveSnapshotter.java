package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

/**
 * Step 2: a live external memory+disk snapshot (NO_METADATA|ATOMIC|LIVE). QEMU copies RAM to the
 * memory image while the guest runs (slowest tier first: bulk RAM, then the pages dirtied
 * meanwhile), pauses the guest for the last dirty pages plus vCPU and device state, and libvirt
 * switches every disk to its {@link Names#cutOverlay} (made beforehand, {@link CutOverlays})
 * before resuming. The storage overlays of step
 * 1 are thereby frozen at exactly the instant the memory image describes: the consistent cut (I1),
 * and the clone's bases. The pause is measured from Suspended/Resumed lifecycle events.
 */
final class LiveSnapshotter {
  static final List<String> TIERS = List.of("ram-precopy", "ram-dirty", "vcpu", "devices");

  private final Hosts hosts;
  private final LibvirtOptions options;
  private final Leases leases;
  private final Pools pools;
  private final CutOverlays overlays;

  LiveSnapshotter(Hosts hosts, LibvirtOptions options, Leases leases, Pools pools) {
    this.hosts = hosts;
    this.options = options;
    this.leases = leases;
    this.pools = pools;
    this.overlays = new CutOverlays(pools);
  }

  MemoryFreeze freeze(OperationId op, VmId vm, Duration lease) {
    try (DomainRef d = hosts.require(vm)) {
      Leases.Lease l = leases.holdMemory(op, d, lease);
      String image = options.memoryImageDir(d.host()).resolve(Names.memoryImage(op.cloneId())).toString();
      CutPlan plan = CutPlan.of(op, vm, d, options);
      Map<String, String> cuts = plan.cuts();
      String base = plan.base();
      long pause = -1;
      Instant cutAt;
      if (cuts.isEmpty()) {
        // done by an earlier attempt, maybe of another process: its cut as it recorded it, or, if
        // it died before recording, now with the pause unknown
        java.util.Optional<FreezeBook.Cut> recorded = Leases.cutOf(d, op.cloneId());
        cutAt = recorded.map(FreezeBook.Cut::at).orElseGet(Instant::now);
        pause = recorded.map(FreezeBook.Cut::pauseNanos).orElse(-1L);
      } else {
        plan.requireWholeAndRunning(d);
        limitDowntime(d);
        overlays.make(d, plan);
        long since = System.nanoTime();
        try {
          Snapshots.create(
              d,
              Snapshots.xml("hc-" + op.cloneId() + "-memory", cuts, image),
              Snapshots.NO_METADATA | Snapshots.ATOMIC | Snapshots.LIVE | CutOverlays.REUSE_EXT,
              "live memory snapshot");
        } catch (RuntimeException e) {
          overlays.discard(d, plan);
          throw e;
        }
        cutAt = Instant.now();
        pause = hosts.pauses().pauseSince(vm.value(), since, Duration.ofSeconds(2)).orElse(-1);
        leases.recordCut(op, d, cutAt, pause);
      }
      return new MemoryFreeze(op, vm, TIERS, cutAt, pause, imageBytes(pools, d, image), base, l.until());
    }
  }

  /**
   * The cut overlays still to make, per disk target, of the freeze {@code op} of {@code vm}: empty
   * when an earlier attempt made them all. Every disk must be writing to its storage overlay
   * ({@code active}, per target of a cut still to make).
   */
  record CutPlan(VmId vm, Map<String, String> cuts, Map<String, String> active, String base, int disks) {
    static CutPlan of(OperationId op, VmId vm, DomainRef d, LibvirtOptions options) {
      List<DomainXml.Disk> disks = StorageFreezer.fileDisks(DomainXml.parse(d.xml()), vm);
      Map<String, String> cuts = new LinkedHashMap<>();
      Map<String, String> active = new LinkedHashMap<>();
      String base = null;
      for (int i = 0; i < disks.size(); i++) {
        DomainXml.Disk disk = disks.get(i);
        String storage = options.sharedStorageDir().resolve(Names.storageOverlay(vm, op.cloneId(), i, disk.target())).toString();
        base = base == null ? storage : base;
        List<String> chain = disk.chain();
        String cut = options.sharedStorageDir().resolve(Names.cutOverlay(vm, op.cloneId(), i, disk.target())).toString();
        if (chain.contains(cut)) {
          continue;
        }
        if (chain.isEmpty() || !chain.get(0).equals(storage)) {
          throw new HypervisorException.NotFrozen(op, "storage of " + vm + " (active file of " + disk.target() + " is not " + storage + ")");
        }
        cuts.put(disk.target(), cut);
        active.put(disk.target(), storage);
      }
      return new CutPlan(vm, cuts, active, base, disks.size());
    }

    boolean done() {
      return cuts.isEmpty();
    }

    /** Refuses a partly cut VM (no single instant to describe) and one that is not running. */
    void requireWholeAndRunning(DomainRef d) {
      if (cuts.size() != disks) {
        throw new HypervisorException.DriverFailure("disks of " + vm + " are partly cut: " + cuts.keySet() + " are not", null);
      }
      if (d.state() != io.hotclone.hypervisor.VmState.RUNNING) {
        throw new HypervisorException.VmNotRunning(vm, d.state());
      }
    }
  }

  private void limitDowntime(DomainRef d) {
    if (options.maxDowntimeMillis() > 0) {
      // best effort: an older QEMU/libvirt without it just keeps its default limit
      LibvirtNative.get().virDomainMigrateSetMaxDowntime(NativeHandles.of(d.domain()), options.maxDowntimeMillis(), 0);
    }
  }

  static long imageBytes(Pools pools, DomainRef d, String image) {
    StoragePool pool = pools.holding(d.host(), image).orElseThrow();
    StorageVol vol = null;
    try {
      Pools.refresh(pool);
      vol = Pools.volume(pool, java.nio.file.Path.of(image).getFileName().toString())
          .orElseThrow(() -> new HypervisorException.CorruptImage("memory image missing: " + image));
      return Pools.capacity(vol);
    } finally {
      Pools.free(vol);
      Pools.free(pool);
    }
  }
}
