package io.hotclone.api.lifecycle;

import io.hotclone.api.persistence.Hosts;
import io.hotclone.api.persistence.VmRecord;
import io.hotclone.api.persistence.Vms;

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
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * At startup and then every {@code hotclone.api.reconcile-interval} (default 30 s), makes the read
 * model agree with the hypervisor: records every host it reports, every VM on every reachable host
 * (parents before children, so lineage of discovered clones chains; a VM new to the read model is
 * {@code discovered}, a changed state is {@code state-changed}), and marks {@code GONE} each VM of
 * the read model on a reachable host that the hypervisor no longer knows anywhere ({@code gone}),
 * unless a delete request of this process is destroying it. VMs on unreachable hosts are left as
 * they were: absence of an answer is not absence of the VM. Each VM is its own transaction.
 */
@Component
public class HypervisorReconciliation implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(HypervisorReconciliation.class);

  private final Hypervisor hypervisor;
  private final Hosts hosts;
  private final Vms vms;
  private final VmLifecycle lifecycle;
  private final TransactionTemplate tx;
  private final Clock clock;
  private int passes;

  public HypervisorReconciliation(
      Hypervisor hypervisor, Hosts hosts, Vms vms, VmLifecycle lifecycle, TransactionTemplate tx, Clock clock) {
    this.hypervisor = hypervisor;
    this.hosts = hosts;
    this.vms = vms;
    this.lifecycle = lifecycle;
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

  @Scheduled(
      initialDelayString = "${hotclone.api.reconcile-interval:PT30S}",
      fixedDelayString = "${hotclone.api.reconcile-interval:PT30S}")
  public void periodically() {
    try {
      Result r = reconcile();
      log.debug("periodic reconciliation: {} VMs seen, {} marked GONE", r.seen(), r.gone());
    } catch (RuntimeException e) {
      log.warn("periodic reconciliation failed: {}", e.toString());
    }
  }

  /** One reconciliation pass; returns how many VMs were seen and how many were marked GONE. */
  public synchronized Result reconcile() {
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
    Map<String, VmRecord> recorded = new java.util.HashMap<>();
    for (String host : reachable) {
      vms.liveOnHost(host).forEach(r -> recorded.put(r.id(), r));
    }
    for (VmInfo vm : parentsFirst(seen)) {
      if (!unchanged(vm, recorded.get(vm.id().value()))) {
        tx.executeWithoutResult(s -> lifecycle.observed(vm, now));
      }
    }
    int gone = 0;
    for (VmRecord known : recorded.values()) { // the rows read above: a VM recorded since then was seen
      if (!seen.containsKey(known.id()) && !lifecycle.beingDeleted(known.id()) && isGone(known.id())) {
        Instant missing = clock.instant(); // when the hypervisor answered that it does not know it
        if (Boolean.TRUE.equals(tx.execute(
            s -> lifecycle.ended(known.id(), VmEventType.GONE, null, "not found on any reachable host", missing)))) {
          gone++;
        }
      }
    }
    org.slf4j.event.Level level = gone > 0 || passes++ == 0 ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG;
    log.atLevel(level).log("read model reconciled: {} hosts, {} VMs seen, {} marked GONE", reported.size(), seen.size(), gone);
    return new Result(seen.size(), gone);
  }

  public record Result(int seen, int gone) {}

  /** A metered VM whose host and state are as recorded: nothing to record, no event to publish. */
  static boolean unchanged(VmInfo vm, VmRecord row) {
    return row != null
        && row.metered()
        && row.endedAt() == null
        && row.host().equals(vm.host().value())
        && vm.state() != null
        && vm.state().name().equals(row.state());
  }

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
