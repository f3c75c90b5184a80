package io.hotclone.config.reconcile;

import io.hotclone.config.persistence.Identities;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the identity registry equal to what the hosts run (invariant I5 across restarts and
 * deletions): VMs the hosts run that this service did not configure are registered, and identities
 * of VMs that no longer exist are freed. A host that cannot be listed keeps every identity.
 */
public class IdentityReconciler {

  private static final Logger log = LoggerFactory.getLogger(IdentityReconciler.class);

  private final Hypervisor hypervisor;
  private final Identities identities;

  public IdentityReconciler(Hypervisor hypervisor, Identities identities) {
    this.hypervisor = hypervisor;
    this.identities = identities;
  }

  public void reconcile() {
    Set<String> running = new HashSet<>();
    for (var host : hypervisor.hosts()) {
      try {
        for (VmInfo vm : hypervisor.vms(host.name())) {
          running.add(vm.id().value());
          identities.registerExisting(vm.id().value(), vm.identity());
        }
      } catch (RuntimeException e) {
        log.warn("could not list VMs of {}: {}; its identities are kept", host.name(), e.toString());
        return;
      }
    }
    for (String vmId : identities.liveVmIds()) {
      if (!running.contains(vmId) && hypervisor.findVm(new VmId(vmId)).isEmpty()) {
        identities.retireVm(vmId);
        log.info("identity of {} freed: the VM no longer exists", vmId);
      }
    }
  }
}
