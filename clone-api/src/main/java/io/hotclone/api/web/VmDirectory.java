package io.hotclone.api.web;

import io.hotclone.api.persistence.VmRecord;
import io.hotclone.api.persistence.Vms;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Finds VMs and hosts on the live hypervisor. A VM is named by its id or by its name: a name is
 * resolved through the read model first, then by scanning the VMs of every reachable host.
 */
@Component
public class VmDirectory {

  private final Hypervisor hypervisor;
  private final Vms vms;

  public VmDirectory(Hypervisor hypervisor, Vms vms) {
    this.hypervisor = hypervisor;
    this.vms = vms;
  }

  /** The live VM with this id or name, or empty. */
  public Optional<VmInfo> find(String idOrName) {
    Optional<VmInfo> byId = hypervisor.findVm(new VmId(idOrName));
    if (byId.isPresent()) {
      return byId;
    }
    for (VmRecord known : vms.findLiveByName(idOrName)) {
      Optional<VmInfo> live = hypervisor.findVm(new VmId(known.id()));
      if (live.isPresent() && live.get().identity() != null && idOrName.equals(live.get().identity().name())) {
        return live;
      }
    }
    return live().stream()
        .filter(vm -> vm.identity() != null && idOrName.equals(vm.identity().name()))
        .findFirst();
  }

  /** The live VM with this id or name; 404 {@code vm-not-found} otherwise. */
  public VmInfo require(String idOrName) {
    return find(idOrName)
        .orElseThrow(() -> ApiProblem.notFound("vm-not-found", "no VM with id or name '" + idOrName + "'"));
  }

  /** A configured host; 404 {@code host-not-found} if unknown, 503 if unreachable. */
  public HostInfo requireHost(String name) {
    HostInfo host =
        hypervisor.hosts().stream()
            .filter(h -> h.name().value().equals(name))
            .findFirst()
            .orElseThrow(() -> ApiProblem.notFound("host-not-found", "no host named '" + name + "'"));
    if (!host.reachable()) {
      throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "host-unreachable", "host '" + name + "' is unreachable");
    }
    return host;
  }

  /** Every VM on every reachable host (optionally one host), as the hosts report them now. */
  public List<VmInfo> live(String onlyHost) {
    List<VmInfo> out = new ArrayList<>();
    for (HostInfo host : hypervisor.hosts()) {
      if (!host.reachable() || (onlyHost != null && !onlyHost.equals(host.name().value()))) {
        continue;
      }
      try {
        out.addAll(hypervisor.vms(host.name()));
      } catch (HypervisorException.HostUnreachable e) {
        // a host that went away between hosts() and vms(): its VMs are unknown right now
      }
    }
    return out;
  }

  public List<VmInfo> live() {
    return live(null);
  }

  public List<HostInfo> hosts() {
    return hypervisor.hosts();
  }
}
