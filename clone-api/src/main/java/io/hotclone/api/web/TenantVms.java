package io.hotclone.api.web;

import io.hotclone.api.persistence.VmRecord;
import io.hotclone.api.persistence.Vms;
import io.hotclone.api.security.Caller;
import io.hotclone.hypervisor.VmInfo;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The VMs a caller may see: those of its tenant (every tenant's for an admin). Another tenant's VM
 * is reported exactly like a VM that does not exist (404 {@code vm-not-found}), so its existence does
 * not leak. A live VM the read model has not seen yet is recorded first, which gives it its tenant.
 */
@Component
public class TenantVms {

  private final VmDirectory directory;
  private final Vms vms;
  private final TransactionTemplate tx;
  private final Clock clock;

  private final io.hotclone.api.lifecycle.VmLifecycle lifecycle;

  public TenantVms(
      VmDirectory directory, Vms vms, io.hotclone.api.lifecycle.VmLifecycle lifecycle, TransactionTemplate tx, Clock clock) {
    this.directory = directory;
    this.lifecycle = lifecycle;
    this.vms = vms;
    this.tx = tx;
    this.clock = clock;
  }

  /** The tenant of a live VM (recording it if it is new to the read model). */
  public String tenantOf(VmInfo vm) {
    String id = vm.id().value();
    return vms.find(id).map(VmRecord::tenant).orElseGet(() -> {
      tx.executeWithoutResult(s -> lifecycle.observed(vm, clock.instant()));
      return vms.find(id).map(VmRecord::tenant).orElse(vms.discoveredTenant());
    });
  }

  /** The live VM with this id or name, if the caller sees it. */
  public Optional<VmInfo> findLive(Caller caller, String idOrName) {
    return directory.find(idOrName).filter(vm -> caller.sees(tenantOf(vm)));
  }

  /** The live VM with this id or name; 404 if there is none the caller sees. */
  public VmInfo requireLive(Caller caller, String idOrName) {
    return findLive(caller, idOrName).orElseThrow(() -> notFound(idOrName));
  }

  /** The read model's row of a VM the caller sees (a live VM is recorded first), if any. */
  public Optional<VmRecord> findRecord(Caller caller, String idOrName) {
    Optional<VmInfo> live = directory.find(idOrName);
    Optional<VmRecord> row = live.isPresent()
        ? Optional.of(tenantOf(live.get())).flatMap(t -> vms.find(live.get().id().value()))
        : vms.find(idOrName);
    return row.filter(r -> caller.sees(r.tenant()));
  }

  static ApiProblem notFound(String idOrName) {
    return ApiProblem.notFound("vm-not-found", "no VM with id or name " + ApiProblem.quote(idOrName));
  }
}
