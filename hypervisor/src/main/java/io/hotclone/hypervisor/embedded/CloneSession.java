package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.VmId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What one clone id holds on its source: the storage freeze (lease), the memory freeze (lease) and
 * its cut, the images it copied and the pointers it created. Guarded by the driver's monitor.
 * {@code expired} is set when the watchdog thawed a lease; steps needing a freeze then fail with
 * {@code LeaseExpired}.
 */
final class CloneSession {
  final UUID cloneId;
  final VmId source;
  boolean storageHeld;
  Instant storageLeaseUntil;
  String storageBaseRef;
  boolean memoryHeld;
  Instant memoryLeaseUntil;
  boolean expired;
  /** Id of the frozen layer holding the disk at the cut, or null before the memory freeze. */
  String cutBaseRef;
  /**
   * The cut layer, pinned (one reference) from the memory freeze until {@code release}, the
   * source's destruction or the end of the storage lease, so clone pointers can be made after the
   * thaw; null when not pinned.
   */
  Layer pinnedCut;
  long cutCounter;
  long cutChecksum;
  long[] cutRegisters;
  long[] cutDevices;
  String cutMemoryDigest = "";
  String cutDiskDigest = "";
  final List<Path> images = new ArrayList<>();
  final List<String> pointers = new ArrayList<>();

  CloneSession(UUID cloneId, VmId source) {
    this.cloneId = cloneId;
    this.source = source;
  }
}
