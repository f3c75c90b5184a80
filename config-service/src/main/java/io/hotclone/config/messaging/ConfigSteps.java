package io.hotclone.config.messaging;

import io.hotclone.config.ConfigProperties;
import io.hotclone.config.domain.IpPools;
import io.hotclone.config.persistence.Identities;
import io.hotclone.config.persistence.Lineage;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ClonePointer;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.CopiedImage;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.IdentityStep;
import io.hotclone.events.StorageUnfrozen;
import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.IdentityPolicy;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaSteps;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Step 6 (and the lineage part of 7): for each clone, allocate its identity (recorded before the
 * hypervisor call, reused on redelivery), define it from the copied state over its storage pointer,
 * start it, then record lineage and emit {@code CloneConfigured} in one transaction. If any clone
 * fails, the clones this step already made are destroyed and their identities retired.
 */
@Component
public class ConfigSteps implements SagaEventHandler {

  private static final Logger log = LoggerFactory.getLogger(ConfigSteps.class);
  static final String CONFIGURE = "configure-clone";

  private final Hypervisor hypervisor;
  private final SagaSteps steps;
  private final Identities identities;
  private final Lineage lineage;
  private final HaltPoints halt;
  private final IpPools pools;
  private final IdentityPolicy defaultPolicy;

  public ConfigSteps(
      Hypervisor hypervisor, SagaSteps steps, Identities identities, Lineage lineage, HaltPoints halt, IpPools pools, ConfigProperties properties) {
    this.hypervisor = hypervisor;
    this.steps = steps;
    this.identities = identities;
    this.lineage = lineage;
    this.halt = halt;
    this.pools = pools;
    this.defaultPolicy = properties.defaultPolicy();
  }

  @Override
  public void on(EventEnvelope event) {
    if (event.payload() instanceof StorageUnfrozen unfrozen) {
      configure(event, unfrozen);
    } else if (event.payload() instanceof CloneFailed failed) {
      cancel(event, failed);
    }
  }

  /**
   * A clone failed elsewhere (or the API's watchdog gave up): clones this service already made for
   * it are destroyed and their identities retired; a configure step arriving later makes nothing.
   */
  private void cancel(EventEnvelope event, CloneFailed failed) {
    if (CONFIGURE.equals(failed.step())) {
      return; // our own failure: compensated where it happened
    }
    steps.transaction(() -> identities.cancel(event.cloneId(), failed.step(), failed.reason()));
    identities.boundVms(event.cloneId()).forEach(vm -> hypervisor.destroyVm(new VmId(vm)));
    steps.inTransaction(event, () -> identities.retire(event.cloneId()));
  }

  private void configure(EventEnvelope event, StorageUnfrozen unfrozen) {
    ClonePlan plan = unfrozen.plan();
    UUID cloneId = event.cloneId();
    VmId source = new VmId(plan.sourceVm());
    HostName target = new HostName(plan.targetHost());
    List<VmId> made = new CopyOnWriteArrayList<>();
    steps.step(
        event,
        CONFIGURE,
        () -> {
          if (identities.cancelled(cloneId)) {
            return null;
          }
          VmInfo parent = hypervisor.requireVm(source);
          Lineage.Position position = lineage.positionOf(source.value());
          IdentityPolicy policy = policyOf(plan);
          List<ConfiguredClone> clones = new ArrayList<>();
          for (int i = 0; i < plan.count(); i++) {
            VmIdentity identity =
                identities.allocate(cloneId, i, parent.identity().name(), plan.nameFor(i), pools.forHost(target.value()));
            CopiedImage image = imageFor(unfrozen, i);
            ClonePointer pointer = pointerFor(unfrozen, i);
            CopiedState state =
                new CopiedState(
                    OperationId.of(cloneId, "copy", i),
                    source,
                    target,
                    image.imageRef(),
                    image.bytes(),
                    image.pagesCopied(),
                    image.zeroPagesSkipped(),
                    image.checksum());
            StoragePointer disk =
                new StoragePointer(
                    pointer.pointerId(),
                    target,
                    pointer.location(),
                    pointer.baseRef(),
                    pointer.disks().stream()
                        .map(d -> new StoragePointer.Disk(d.device(), d.pointerId(), d.location(), d.baseRef()))
                        .toList());
            VmInfo clone =
                hypervisor.configureClone(
                    OperationId.of(cloneId, "configure", i), new CloneSpec(source, state, disk, identity, policy));
            halt.reach(HaltPoints.CLONE_DEFINED);
            made.add(clone.id());
            identities.bind(cloneId, i, clone.id().value());
            VmInfo started = hypervisor.startClone(OperationId.of(cloneId, "start", i), clone.id());
            clones.add(configured(i, started, identity, target, pointer, position.generation() + 1));
          }
          return new Result(clones, position.root());
        },
        (Result r) -> {
          if (r == null) {
            return null; // cancelled before it was configured
          }
          for (ConfiguredClone c : r.clones()) {
            lineage.record(cloneId, source.value(), r.root(), c, pointerFor(unfrozen, c.index()).baseRef());
          }
          return new CloneConfigured(plan, r.clones());
        },
        reason -> identities.retire(cloneId),
        () -> made.forEach(hypervisor::destroyVm));
  }

  /**
   * The published clone: IP and host name as the guest confirmed them (null when it did not), the
   * allocated IP, and what was done inside the guest.
   */
  private static ConfiguredClone configured(
      int index, VmInfo started, VmIdentity identity, HostName target, ClonePointer pointer, int generation) {
    GuestIdentity guest = started.guestIdentity();
    List<IdentityStep> steps =
        guest == null
            ? List.of()
            : guest.items().stream().map(i -> new IdentityStep(i.name(), i.status().name(), i.detail(), i.atMillis())).toList();
    return new ConfiguredClone(
        index,
        started.id().value(),
        identity.name(),
        identity.uuid().toString(),
        identity.mac(),
        guest == null ? null : guest.ip(),
        guest == null ? null : guest.hostname(),
        target.value(),
        pointer.pointerId(),
        generation,
        identity.ip(),
        guest == null ? null : guest.outcome().name(),
        steps,
        pointer.disks());
  }

  private IdentityPolicy policyOf(ClonePlan plan) {
    if (plan.identityPolicy() == null) {
      return defaultPolicy;
    }
    return IdentityPolicy.parse(plan.identityPolicy())
        .orElseThrow(() -> new HypervisorException.Unsupported("identity policy '" + plan.identityPolicy() + "' is not require-agent, isolate or allow"));
  }

  private static CopiedImage imageFor(StorageUnfrozen e, int index) {
    return e.images().stream().filter(i -> i.index() == index).findFirst()
        .orElseThrow(() -> new IllegalStateException("no copied image for clone " + index));
  }

  private static ClonePointer pointerFor(StorageUnfrozen e, int index) {
    return e.pointers().stream().filter(p -> p.index() == index).findFirst()
        .orElseThrow(() -> new IllegalStateException("no storage pointer for clone " + index));
  }

  /**
   * Keeps the identity registry equal to what the hosts run (invariant I5 across restarts and
   * deletions): at start-up and then periodically, VMs the hosts run that this service did not
   * configure are registered, and identities of VMs that no longer exist are freed.
   */
  @EventListener(ApplicationReadyEvent.class)
  @Scheduled(fixedDelayString = "${hotclone.config.reconcile-interval:5000}", initialDelay = 5000)
  public void reconcileIdentities() {
    java.util.Set<String> running = new java.util.HashSet<>();
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

  private record Result(List<ConfiguredClone> clones, String root) {}
}
