package io.hotclone.support.hypervisor;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.Hypervisor;

/** Builds the libvirt driver from {@code hotclone.hypervisor.hosts} (name → libvirt URI). */
final class LibvirtDrivers {
  private LibvirtDrivers() {}

  static Hypervisor create(HypervisorProperties p) {
    if (p.getHosts().isEmpty()) {
      throw new IllegalArgumentException("hotclone.hypervisor.hosts must map host names to libvirt URIs");
    }
    throw new HypervisorException.Unsupported("libvirt driver wiring pending");
  }
}
