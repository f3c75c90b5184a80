package io.hotclone.hypervisor.libvirt;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.hotclone.hypervisor.HypervisorException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes a failed clone's freezes on the running source, disk by disk: when the top of a disk's
 * chain is that clone's overlays (the storage overlay, and the cut overlay above it), an active
 * block commit merges them down into the file the source wrote before the freeze and pivots the source back
 * onto it. That file was the source's own active file, so no other VM reads it; the commit is
 * refused when anything else backs onto the overlays. Overlays of the clone that are no longer on
 * top (a later clone froze above them) stay: they are part of a chain others now read.
 *
 * <p>Safe to run from several processes at once: each loop reads the chain afresh, waits for a
 * commit someone else started and pivots whichever commit is ready.
 */
final class ChainRestorer {
  private static final Logger log = LoggerFactory.getLogger(ChainRestorer.class);
  static final int JOB_ACTIVE_COMMIT = 4;

  private ChainRestorer() {}

  /** The files at the top of {@code chain} that belong to {@code cloneId}. */
  static int ownTop(List<String> chain, UUID cloneId) {
    int k = 0;
    while (k < chain.size() && Names.belongsTo(Path.of(chain.get(k)).getFileName().toString(), cloneId)) {
      k++;
    }
    return k;
  }

  /**
   * Restores the source's chain; true when none of the clone's overlays is on top any more.
   *
   * @param otherReaders files some volume outside this chain backs onto (a clone disk)
   */
  static boolean restore(DomainRef d, UUID cloneId, Set<String> otherReaders, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    LibvirtNative n = LibvirtNative.get();
    Pointer dom = NativeHandles.of(d.domain());
    while (true) {
      boolean restored = true;
      for (DomainXml.Disk disk : DomainXml.parse(d.xml()).disks()) {
        List<String> chain = disk.chain();
        int k = ownTop(chain, cloneId);
        if (k == 0) {
          continue;
        }
        restored = false;
        if (k >= chain.size() || !d.active()) {
          log.warn("clone {}: cannot restore {} of {} ({} files, active={})", cloneId, disk.target(), d.id(), chain.size(), d.active());
          return false;
        }
        for (String f : chain.subList(0, k)) {
          if (otherReaders.contains(f)) {
            log.warn("clone {}: {} is still read by another volume; the source's chain stays", cloneId, f);
            return false;
          }
        }
        step(n, dom, disk.target(), chain.get(k), cloneId, d);
      }
      if (restored) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        throw new HypervisorException.DriverFailure(
            "restoring the chain of " + d.id() + " after clone " + cloneId + " did not finish within " + timeout, null);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HypervisorException.DriverFailure("interrupted while restoring the chain of " + d.id(), e);
      }
    }
  }

  /** One step of an active commit of {@code disk} down into {@code into}: start it, or pivot it once ready. */
  private static void step(LibvirtNative n, Pointer dom, String disk, String into, UUID cloneId, DomainRef d) {
    LibvirtNative.BlockJobInfo info = new LibvirtNative.BlockJobInfo();
    int rc = n.virDomainGetBlockJobInfo(dom, disk, info, 0);
    if (rc == 1) {
      if (info.type == JOB_ACTIVE_COMMIT && info.end > 0 && info.cur == info.end) {
        n.virDomainBlockJobAbort(dom, disk, LibvirtNative.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT); // not ready yet: next loop
      }
    } else if (rc == 0) {
      if (n.virDomainBlockCommit(dom, disk, into, null, new NativeLong(0), LibvirtNative.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE) < 0) {
        log.debug("clone {}: block commit of {} on {} not started: {}", cloneId, disk, d.id(), n.virGetLastErrorMessage());
      }
    }
  }
}
