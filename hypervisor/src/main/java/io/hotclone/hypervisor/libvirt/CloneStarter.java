package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import java.nio.file.Path;
import org.libvirt.StoragePool;

/**
 * Starts a configured clone by restoring its rewritten image on its host (virDomainRestoreFlags,
 * running): the guest continues from the copied RAM, vCPU and device state. The image is deleted
 * once the clone runs. Starting a running clone does nothing.
 */
final class CloneStarter {
  private final Hosts hosts;
  private final Pools pools;
  private final VmInspector inspector;

  CloneStarter(Hosts hosts, Pools pools, VmInspector inspector) {
    this.hosts = hosts;
    this.pools = pools;
    this.inspector = inspector;
  }

  VmInfo start(OperationId op, VmId clone) {
    try (DomainRef d = hosts.require(clone)) {
      if (d.active()) {
        return inspector.info(d);
      }
      String image = IdentityRewriter.stateImage(DomainXml.parse(d.xml()));
      if (image == null || image.isEmpty()) {
        throw new HypervisorException.NotFrozen(op, "clone " + clone + " has no state image to start from");
      }
      int rc =
          LibvirtNative.get()
              .virDomainRestoreFlags(NativeHandles.of(hosts.connect(d.host())), image, null, LibvirtNative.VIR_DOMAIN_SAVE_RUNNING);
      if (rc < 0) {
        throw Failures.nativeCall("restore " + clone + " from " + image);
      }
      StoragePool pool = pools.local(d.host());
      try {
        Pools.delete(pool, Path.of(image).getFileName().toString());
      } finally {
        Pools.free(pool);
      }
      return inspector.info(d);
    }
  }
}
