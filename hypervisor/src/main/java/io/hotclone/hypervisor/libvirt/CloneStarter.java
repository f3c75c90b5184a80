package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;

/**
 * Starts a configured clone by restoring its rewritten image on its host (virDomainRestoreFlags,
 * running): the guest continues from the copied RAM, vCPU and device state. The image (in the
 * host's own directory or in shared storage) is deleted once the clone runs. Starting a running clone does nothing.
 */
final class CloneStarter {
  private final Hosts hosts;
  private final FileReaper reaper;
  private final VmInspector inspector;

  CloneStarter(Hosts hosts, FileReaper reaper, VmInspector inspector) {
    this.hosts = hosts;
    this.reaper = reaper;
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
      reaper.deleteImage(d.host(), image);
      return inspector.info(d);
    }
  }
}
