package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 3: gives the target host its own copy of the frozen memory image (RAM, vCPU and device
 * state), checked by CRC-32C against the frozen image and by its save-image magic and version; a
 * mismatch deletes the copy and fails with {@code CorruptImage}. An existing copy counts as done
 * only if it passes the same check. Two ways, by where the memory freeze put the image:
 *
 * <ul>
 *   <li>In shared storage ({@link LibvirtOptions.CopyMode#SHARED}) and visible to this process:
 *       {@link SharedImageCopier} copies it beside itself as {@link Names#copiedImage}, a local
 *       file copy with no byte through libvirt — a reflink sharing the frozen image's blocks
 *       where the filesystem has them, so the clones of one freeze hold one image between them;
 *       the target restores from that path.
 *   <li>Otherwise ({@link LibvirtOptions.CopyMode#STREAM}, or shared storage this process does not
 *       see): streams it from the source host's pool into the target host's local pool over the
 *       two libvirt connections, computing its CRC-32C as it leaves, then reads it back on the
 *       target and compares.
 * </ul>
 */
final class StateCopier {
  private static final Logger log = LoggerFactory.getLogger(StateCopier.class);
  private final Hosts hosts;
  private final Leases leases;
  private final Pools pools;
  private final LibvirtOptions options;
  private final SharedImageCopier shared = new SharedImageCopier();

  StateCopier(Hosts hosts, Leases leases, Pools pools, LibvirtOptions options) {
    this.hosts = hosts;
    this.leases = leases;
    this.pools = pools;
    this.options = options;
  }

  CopiedState copy(OperationId op, VmId vm, HostName target) {
    Leases.Lease lease = leases.requireLive(op, vm, "memory");
    if (!lease.memory()) {
      throw new HypervisorException.NotFrozen(op, "memory of " + vm);
    }
    Path frozen = options.sharedStorageDir().resolve(Names.memoryImage(op.cloneId()));
    if (Files.isReadable(frozen)) {
      Path copy = options.sharedStorageDir().resolve(Names.copiedImage(op));
      SharedImageCopier.Copied copied = shared.copy(frozen, copy);
      if (copied.reflinked()) {
        log.debug("{}: {} shares the frozen image's blocks (reflink)", op, copy.getFileName());
      }
      return new CopiedState(op, vm, target, copy.toString(), copied.bytes(), pages(copied.bytes()), 0, "crc32c:" + copied.crc32c());
    }
    return stream(op, vm, lease.host(), target);
  }

  /** The stream copy; the source image is in the source host's local pool or in shared storage. */
  private CopiedState stream(OperationId op, VmId vm, HostName source, HostName target) {
    Connect from = hosts.connect(source);
    Connect to = hosts.connect(target);
    StoragePool srcPool = sourcePool(source, op);
    StoragePool dstPool = pools.local(target);
    StorageVol src = null;
    StorageVol dst = null;
    try {
      src = Pools.volume(srcPool, Names.memoryImage(op.cloneId()))
          .orElseThrow(() -> new HypervisorException.NotFrozen(op, "memory image of " + vm));
      long size = Pools.capacity(src);
      String name = Names.copiedImage(op);
      Pools.refresh(dstPool);
      Optional<StorageVol> existing = Pools.volume(dstPool, name);
      if (existing.isPresent()) {
        dst = existing.get();
        String have = VolumeStreams.crc32c(to, dst);
        if (have.equals(VolumeStreams.crc32c(from, src))) {
          return result(op, vm, target, dst, size, have);
        }
        deleteQuietly(dst);
        Pools.free(dst);
        dst = null;
      }
      dst = create(dstPool, name, size);
      VolumeStreams.Copied copied = VolumeStreams.copy(from, src, to, dst, size);
      String onTarget = VolumeStreams.crc32c(to, dst);
      if (copied.bytes() != size || !onTarget.equals(copied.crc32c())) {
        deleteQuietly(dst);
        throw new HypervisorException.CorruptImage(
            "memory image copy to " + target + " does not match: " + copied.crc32c() + " sent, " + onTarget + " stored");
      }
      SaveImageHeader.parse(VolumeStreams.read(to, dst, 0, SaveImageHeader.SIZE));
      return result(op, vm, target, dst, size, onTarget);
    } finally {
      Pools.free(src);
      Pools.free(dst);
      Pools.free(srcPool);
      Pools.free(dstPool);
    }
  }

  /**
   * The pool (refreshed; caller frees) that holds the memory image: where the configured mode puts
   * it, else the other one (a freeze made under the other mode).
   */
  private StoragePool sourcePool(HostName source, OperationId op) {
    String name = Names.memoryImage(op.cloneId());
    boolean sharedFirst = options.copyMode() == LibvirtOptions.CopyMode.SHARED;
    StoragePool first = sharedFirst ? pools.shared(source) : pools.local(source);
    Pools.refresh(first);
    Optional<StorageVol> there = Pools.volume(first, name);
    if (there.isPresent()) {
      Pools.free(there.get());
      return first;
    }
    Pools.free(first);
    StoragePool second = sharedFirst ? pools.local(source) : pools.shared(source);
    Pools.refresh(second);
    return second;
  }

  private static CopiedState result(OperationId op, VmId vm, HostName target, StorageVol dst, long size, String crc) {
    return new CopiedState(op, vm, target, Pools.path(dst), size, pages(size), 0, "crc32c:" + crc);
  }

  private static long pages(long bytes) {
    return (bytes + 4095) / 4096;
  }

  private static StorageVol create(StoragePool pool, String name, long size) {
    DomainXml x = DomainXml.create("volume");
    x.append(x.root(), "name", name);
    DomainXml.attrs(x.append(x.root(), "capacity", Long.toString(size)), "unit", "bytes");
    DomainXml.attrs(x.append(x.root(), "allocation", "0"), "unit", "bytes");
    org.w3c.dom.Element t = x.append(x.root(), "target");
    DomainXml.attrs(x.append(t, "format"), "type", "raw");
    x.append(x.append(t, "permissions"), "mode", "0600");
    try {
      return pool.storageVolCreateXML(x.toXml(), 0);
    } catch (LibvirtException e) {
      throw Failures.driver("create volume " + name, e);
    }
  }

  private static void deleteQuietly(StorageVol vol) {
    try {
      vol.delete(0);
    } catch (LibvirtException ignored) {
      // already gone
    }
  }
}
