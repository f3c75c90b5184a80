package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.VmState;
import java.util.Optional;
import org.libvirt.LibvirtException;

/**
 * Thaws a freeze whose lease ran out or that is released: aborts a snapshot job still running on
 * the source and resumes the source if it is paused. Safe when nothing is frozen.
 */
final class Thawer {
  private final Hosts hosts;

  Thawer(Hosts hosts) {
    this.hosts = hosts;
  }

  void thaw(Leases.Lease lease) {
    Optional<DomainRef> found = hosts.lookup(lease.host(), lease.vm());
    if (found.isEmpty()) {
      return;
    }
    try (DomainRef d = found.get()) {
      if (!d.active()) {
        return;
      }
      try {
        d.domain().abortJob();
      } catch (LibvirtException e) {
        // no job running: the usual case
      }
      if (d.state() == VmState.PAUSED) {
        try {
          d.domain().resume();
        } catch (LibvirtException e) {
          throw Failures.driver("resume " + lease.vm() + " after its lease expired", e);
        }
      }
    }
  }
}
