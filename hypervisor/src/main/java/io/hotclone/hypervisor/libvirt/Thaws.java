package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.MemoryThaw;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageThaw;
import io.hotclone.hypervisor.VmId;
import java.time.Instant;

/**
 * Steps 4 and 5. Memory: QEMU already merged the guest's writes during the live snapshot (the
 * dirty bitmap was its buffer), so the thaw ends the lease and deletes the frozen memory image
 * (the source host's or the one in shared storage, by copy mode; the release sweeps both places);
 * {@code mergedPages} is 0. Storage: the source already writes its own overlay, so the thaw
 * ends the lease. The chain is kept within its budget before the next freeze ({@link
 * StorageFreezer}), never here: a thaw after a lease expired must leave the failed clone's
 * overlays on top of the chain, where the release merges them back out.
 */
final class Thaws {
  private final Hosts hosts;
  private final Leases leases;
  private final FileReaper reaper;
  private final LibvirtOptions options;

  Thaws(Hosts hosts, Leases leases, FileReaper reaper, LibvirtOptions options) {
    this.hosts = hosts;
    this.leases = leases;
    this.reaper = reaper;
    this.options = options;
  }

  MemoryThaw memory(OperationId op, VmId vm) {
    boolean held = leases.releaseMemory(op.cloneId(), vm);
    hosts.locate(vm).ifPresent(d -> {
      try (d) {
        reaper.deleteImage(d.host(), options.memoryImageDir(d.host()).resolve(Names.memoryImage(op.cloneId())).toString());
      }
    });
    return new MemoryThaw(vm, 0, Instant.now(), !held);
  }

  StorageThaw storage(OperationId op, VmId vm) {
    boolean held = leases.releaseStorage(op.cloneId(), vm);
    return new StorageThaw(vm, Instant.now(), !held);
  }
}
