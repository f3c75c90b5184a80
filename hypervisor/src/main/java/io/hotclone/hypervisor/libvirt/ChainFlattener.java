package io.hotclone.hypervisor.libvirt;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.hotclone.hypervisor.HypervisorException;
import java.time.Duration;
import java.util.List;

/**
 * Keeps a running VM's backing chain within a depth budget by a block pull (virDomainBlockPull):
 * the data of every backing file is copied into the VM's active overlay, which then stands alone.
 * A pull writes only the VM's own active file, so bases shared with clones stay immutable (a block
 * commit would write into a shared base and is never used).
 */
final class ChainFlattener {
  private ChainFlattener() {}

  /**
   * Pulls disk {@code disk} (its target) when its chain is longer than {@code budget}; returns the
   * chain depth afterwards.
   */
  static int enforce(DomainRef d, String disk, int budget, Duration timeout) {
    List<String> chain = DomainXml.parse(d.xml()).chainOf(disk);
    if (chain.size() <= budget || !d.active()) {
      return chain.size();
    }
    Pointer dom = NativeHandles.of(d.domain());
    LibvirtNative n = LibvirtNative.get();
    if (n.virDomainBlockPull(dom, disk, new NativeLong(0), 0) < 0) {
      throw Failures.nativeCall("virDomainBlockPull " + disk);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      LibvirtNative.BlockJobInfo info = new LibvirtNative.BlockJobInfo();
      int rc = n.virDomainGetBlockJobInfo(dom, disk, info, 0);
      if (rc < 0) {
        throw Failures.nativeCall("virDomainGetBlockJobInfo " + disk);
      }
      int depth = DomainXml.parse(d.xml()).chainOf(disk).size();
      if (rc == 0 && depth == 1) {
        return depth;
      }
      if (System.nanoTime() > deadline) {
        throw new HypervisorException.DriverFailure("block pull of " + disk + " did not finish within " + timeout, null);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HypervisorException.DriverFailure("interrupted while pulling " + disk, e);
      }
    }
  }
}
