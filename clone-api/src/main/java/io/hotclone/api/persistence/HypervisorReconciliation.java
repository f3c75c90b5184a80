package io.hotclone.api.persistence;

import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * At startup, makes the read model agree with the hypervisor: records every host it reports, every
 * VM on every reachable host (parents before children, so lineage of discovered clones chains), and
 * marks {@code GONE} each VM of the read model on a reachable host that the hypervisor no longer
 * knows anywhere. VMs on unreachable hosts are left as they were: absence of an answer is not
 * absence of the VM.
 */
@Component
public class HypervisorReconciliation implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(HypervisorReconciliation.class);

  private final Hypervisor hypervisor;
  private final Hosts hosts;
  private final Vms vms;
  private final TransactionTemplate tx;
  private final Clock clock;

  public HypervisorReconciliation(Hypervisor hypervisor, Hosts hosts, Vms vms, TransactionTemplate tx, Clock clock) {
    this.hypervisor = hypervisor;
    this.hosts = hosts;
    this.vms = vms;
    this.tx = tx;
    this.clock = clock;
  }

  @Override
  public void run(ApplicationArguments args) {
    try {
      reconcile();
    } catch (RuntimeException e) {
      log.warn("could not reconcile the read model with the hypervisor at startup: {}", e.toString());
    }
  }

  /** One reconciliation pass; returns how many VMs were seen and how many were marked GONE. */
  public Result reconcile() {
    Instant now = clock.instant();
    List<HostInfo> reported = hypervisor.hosts();
    Map<String, VmInfo> seen = new LinkedHashMap<>();
    List<String> reachable = new ArrayList<>();
    for (HostInfo host : reported) {
      tx.executeWithoutResult(s -> hosts.reported(host, now));
      if (!host.reachable()) {
        continue;
      }
      try {
        for (VmInfo vm : hypervisor.vms(host.name())) {
          seen.put(vm.id().value(), vm);
        }
        reachable.add(host.name().value());
      } catch (HypervisorException e) {
        log.warn("host {} did not list its VMs: {}", host.name(), e.getMessage());
      }
    }
    tx.executeWithoutResult(s -> parentsFirst(seen).forEach(vm -> vms.observed(vm, now)));
    int gone = 0;
    for (String host : reachable) {
      for (VmRecord known : vms.liveOnHost(host)) {
        if (!seen.containsKey(known.id()) && isGone(known.id())) {
          gone += tx.execute(s -> vms.markGone(known.id(), now));
        }
      }
    }
    log.info("read model reconciled: {} hosts, {} VMs seen, {} marked GONE", reported.size(), seen.size(), gone);
    return new Result(seen.size(), gone);
  }

  public record Result(int seen, int gone) {}

  private boolean isGone(String id) {
    try {
      return hypervisor.findVm(new io.hotclone.hypervisor.VmId(id)).isEmpty();
    } catch (HypervisorException e) {
      return false;
    }
  }

  /** Orders VMs so that a parent seen in the same pass is recorded before its children. */
  static List<VmInfo> parentsFirst(Map<String, VmInfo> seen) {
    List<VmInfo> out = new ArrayList<>(seen.size());
    Set<String> done = new HashSet<>();
    List<VmInfo> pending = new ArrayList<>(seen.values());
    while (!pending.isEmpty()) {
      List<VmInfo> next = new ArrayList<>();
      for (VmInfo vm : pending) {
        String parent = vm.parent() == null ? null : vm.parent().value();
        if (parent == null || done.contains(parent) || !seen.containsKey(parent)) {
          out.add(vm);
          done.add(vm.id().value());
        } else {
          next.add(vm);
        }
      }
      if (next.size() == pending.size()) {
        out.addAll(next); // a cycle the hypervisor should never report; record them anyway
        break;
      }
      pending = next;
    }
    return out;
  }
}
