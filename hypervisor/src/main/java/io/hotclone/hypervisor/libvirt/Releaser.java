package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import java.util.Set;
import java.util.UUID;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * Compensation for one clone id: thaws a freeze it still holds, removes clones it configured but
 * never started (undefine, overlay, serial log), copied and frozen memory images (in the hosts' own
 * directories and in shared storage), and clone overlays no domain uses. The source's own overlays
 * stay: they are its live backing chain.
 */
final class Releaser {
  private final Hosts hosts;
  private final Pools pools;
  private final Leases leases;
  private final Thawer thawer;
  private final FileReaper reaper;

  Releaser(Hosts hosts, Pools pools, Leases leases, Thawer thawer, FileReaper reaper) {
    this.hosts = hosts;
    this.pools = pools;
    this.leases = leases;
    this.thawer = thawer;
    this.reaper = reaper;
  }

  void release(UUID cloneId) {
    leases.get(cloneId).ifPresent(l -> {
      if (l.held()) {
        thawer.thaw(l);
      }
    });
    leases.forget(cloneId);
    for (HostName host : hosts.names()) {
      if (!hosts.reachable(host)) {
        continue;
      }
      removeUnstartedClones(host, cloneId);
      StoragePool local = pools.local(host);
      try {
        Pools.refresh(local);
        for (String name : Pools.volumeNames(local)) {
          if (Names.belongsTo(name, cloneId) && name.endsWith(".img")) {
            Pools.delete(local, name);
          }
        }
      } finally {
        Pools.free(local);
      }
    }
    Set<String> tops = reaper.activeTops();
    HostName any = hosts.names().iterator().next();
    StoragePool shared = pools.shared(any);
    try {
      Pools.refresh(shared);
      for (String name : Pools.volumeNames(shared)) {
        if (Names.belongsTo(name, cloneId) && name.endsWith(".img")) {
          Pools.delete(shared, name); // SHARED copy mode: the frozen image and the clones' copies
        } else if (Names.belongsTo(name, cloneId) && name.endsWith(".clone.qcow2")) {
          String path = Pools.volume(shared, name).map(v -> {
            try {
              return Pools.path(v);
            } finally {
              Pools.free(v);
            }
          }).orElse(null);
          if (path != null && !tops.contains(path)) {
            Pools.delete(shared, name);
          }
        }
      }
    } finally {
      Pools.free(shared);
    }
  }

  private void removeUnstartedClones(HostName host, UUID cloneId) {
    for (DomainRef d : hosts.all(host)) {
      try (d) {
        DomainXml xml = DomainXml.parse(d.xml());
        IdentityRewriter.Lineage lineage = IdentityRewriter.lineage(xml);
        if (lineage == null || !lineage.cloneId().equals(cloneId) || d.active()) {
          continue;
        }
        try {
          d.domain().undefine();
        } catch (LibvirtException e) {
          if (!Failures.notFound(e)) {
            throw Failures.driver("undefine half-made clone " + d.name(), e);
          }
        }
        for (var src : xml.fileCharDevSources()) {
          reaper.deleteLocal(host, src.getAttribute("path"));
        }
      }
    }
  }
}
