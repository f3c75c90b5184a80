package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.VmState;
import java.util.Optional;
import org.libvirt.LibvirtException;

/**
 * Thaws a freeze whose lease ran out or that is released: aborts a snapshot job still running on
 * the source and resumes the source if it is paused. Safe when nothing is frozen. Never resumes a
 * clone whose start has not finished (it has an identity intent and no identity report): that
 * clone is paused so its links can go down before its guest runs, and only its start resumes it.
 */
final class Thawer {
  private final Hosts hosts;

  Thawer(Hosts hosts) {
    this.hosts = hosts;
  }

  /** A clone domain being started: restored paused, its identity not yet recorded. */
  static boolean startingClone(DomainRef d) {
    DomainXml xml = DomainXml.parse(d.xml());
    return IdentityRewriter.intent(xml) != null && IdentityReports.of(xml) == null;
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
      if (d.state() == VmState.PAUSED && !startingClone(d)) {
        try {
          d.domain().resume();
        } catch (LibvirtException e) {
          throw Failures.driver("resume " + lease.vm() + " after its lease expired", e);
        }
      }
    }
  }
}
