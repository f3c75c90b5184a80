package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.VmId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.libvirt.Error;
import org.libvirt.LibvirtException;

/**
 * Stops a VM, undefines it when persistent, and frees its files: its serial logs and leftover
 * state image, its active overlay, and every base below it nothing else references. Idempotent: a
 * VM no host knows is already destroyed.
 */
final class VmRemover {
  private final Hosts hosts;
  private final FileReaper reaper;

  VmRemover(Hosts hosts, FileReaper reaper) {
    this.hosts = hosts;
    this.reaper = reaper;
  }

  void destroy(VmId vm) {
    Optional<DomainRef> found = hosts.locate(vm);
    if (found.isEmpty()) {
      return;
    }
    List<String> tops;
    List<String> logs;
    String image;
    try (DomainRef d = found.get()) {
      DomainXml xml = DomainXml.parse(d.xml());
      tops = xml.disks().stream().map(DomainXml.Disk::file).collect(Collectors.toList());
      logs = xml.fileCharDevSources().stream().map(e -> e.getAttribute("path")).distinct().collect(Collectors.toList());
      image = IdentityRewriter.stateImage(xml);
      try {
        if (d.active()) {
          d.domain().destroy();
        }
      } catch (LibvirtException e) {
        if (!Failures.notFound(e)) {
          throw Failures.driver("destroy " + vm, e);
        }
      }
      try {
        d.domain().undefine();
      } catch (LibvirtException e) {
        boolean transientGone = Failures.notFound(e) || Failures.is(e, Error.ErrorNumber.VIR_ERR_OPERATION_INVALID);
        if (!transientGone) {
          throw Failures.driver("undefine " + vm, e);
        }
      }
      for (String log : logs) {
        reaper.deleteLocal(d.host(), log);
      }
      reaper.deleteImage(d.host(), image);
      Set<String> active = reaper.activeTops();
      for (String top : tops) {
        reaper.deleteChain(d.host(), top, active);
      }
    }
  }
}
