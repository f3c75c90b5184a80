package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

/**
 * Step 3: streams the memory image (RAM, vCPU and device state) from the source host's local pool
 * into the target host's local pool over the two libvirt connections, computing its CRC-32C as
 * it leaves, then reads it back on the target and compares (the checksum verified on the target)
 * and checks its save-image magic and version. A mismatch deletes the copy and fails with
 * {@code CorruptImage}. An existing copy counts as done only if its checksum matches the source.
 */
final class StateCopier {
  private final Hosts hosts;
  private final Leases leases;
  private final Pools pools;

  StateCopier(Hosts hosts, Leases leases, Pools pools) {
    this.hosts = hosts;
    this.leases = leases;
    this.pools = pools;
  }

  CopiedState copy(OperationId op, VmId vm, HostName target) {
    Leases.Lease lease = leases.requireLive(op, vm, "memory");
    if (!lease.memory) {
      throw new HypervisorException.NotFrozen(op, "memory of " + vm);
    }
    HostName source = lease.host;
    Connect from = hosts.connect(source);
    Connect to = hosts.connect(target);
    StoragePool srcPool = pools.local(source);
    StoragePool dstPool = pools.local(target);
    StorageVol src = null;
    StorageVol dst = null;
    try {
      Pools.refresh(srcPool);
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

  private static CopiedState result(OperationId op, VmId vm, HostName target, StorageVol dst, long size, String crc) {
    return new CopiedState(op, vm, target, Pools.path(dst), size, (size + 4095) / 4096, 0, "crc32c:" + crc);
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
