package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostCapacity;
import io.hotclone.hypervisor.HostName;
import java.util.List;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;

/**
 * {@link io.hotclone.hypervisor.Hypervisor#capacity} on libvirt: physical memory from
 * virNodeGetInfo (KiB), free memory from virNodeGetFreeMemory (bytes), and the maximum memory of
 * every active domain (running or paused) on the host. Defined, inactive domains hold no memory.
 */
final class HostMemory {
  private final Hosts hosts;

  HostMemory(Hosts hosts) {
    this.hosts = hosts;
  }

  HostCapacity capacity(HostName host) {
    Connect c = hosts.connect(host);
    long total;
    long free;
    try {
      NodeInfo node = c.nodeInfo();
      total = node.memory * 1024;
      free = c.getFreeMemory();
    } catch (LibvirtException e) {
      throw Failures.driver("node memory of " + host, e);
    }
    long vmBytes = 0;
    List<DomainRef> running = hosts.running(host);
    try {
      for (DomainRef d : running) {
        vmBytes += d.domain().getMaxMemory() * 1024;
      }
    } catch (LibvirtException e) {
      throw Failures.driver("domain memory on " + host, e);
    } finally {
      running.forEach(DomainRef::close);
    }
    return new HostCapacity(host, total, free, vmBytes, running.size());
  }
}
