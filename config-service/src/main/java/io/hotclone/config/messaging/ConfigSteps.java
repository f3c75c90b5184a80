package io.hotclone.config.messaging;

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
import io.hotclone.events.FailedClone;
import io.hotclone.events.IdentityStep;
import io.hotclone.events.StorageUnfrozen;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.IdentityPolicy;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaHandlers;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.support.messaging.StepFailure;
import io.hotclone.support.messaging.StepOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Step 6 (and the lineage part of 7): for each clone, allocate its identity (recorded before the
 * hypervisor call, reused on redelivery) and define it from the copied state over its storage
 * pointer; then start the clones, up to {@code startParallelism} at once; then record lineage and emit {@code CloneConfigured} in one transaction. Each
 * clone is made on its own host ({@link io.hotclone.events.ClonePlan#hostFor}) with an address of
 * that host's IP pool. If any clone fails, the clones this step already made are destroyed and
 * their identities retired — unless the plan is {@code partial}: then only the failed clone is
 * destroyed and its identity retired, it is listed in {@code CloneConfigured.failures} and the
 * others complete ({@link PartialFailures}; all failed: the step fails). The clones of a partial
 * plan whose copy failed ({@code StorageUnfrozen.failures}) are not configured and are listed with
 * the others in {@code CloneConfigured.failures}. An event that lacks another clone's copied image
 * or storage pointer fails the step before anything is made.
 */
public class ConfigSteps implements SagaEventHandler {

  private final Hypervisor hypervisor;
  private final SagaSteps steps;
  private final Identities identities;
  private final Lineage lineage;
  private final HaltPoints halt;
  private final IpPools pools;
  private final IdentityPolicy defaultPolicy;
  private final SagaHandlers handlers;
  private final int startParallelism;

  /** @param startParallelism how many clones of one request start at once (1: one after another) */
  public ConfigSteps(
      Hypervisor hypervisor,
      SagaSteps steps,
      Identities identities,
      Lineage lineage,
      HaltPoints halt,
      IpPools pools,
      IdentityPolicy defaultPolicy,
      int startParallelism) {
    this.startParallelism = Math.max(1, startParallelism);
    this.hypervisor = hypervisor;
    this.steps = steps;
    this.identities = identities;
    this.lineage = lineage;
    this.halt = halt;
    this.pools = pools;
    this.defaultPolicy = defaultPolicy;
    this.handlers =
        SagaHandlers.of(SagaService.CONFIG)
            .on(SagaStep.CONFIGURE_CLONE, StorageUnfrozen.class, this::configure)
            .onCloneFailed(this::cancel)
            .build();
  }

  @Override
  public void on(EventEnvelope event) {
    handlers.on(event);
  }

  /** The handlers, one per row of config-service in the saga table. */
  public SagaHandlers handlers() {
    return handlers;
  }

  /**
   * A clone failed elsewhere (or the API's watchdog gave up): clones this service already made for
   * it are destroyed and their identities retired; a configure step arriving later makes nothing.
   */
  private void cancel(EventEnvelope event, CloneFailed failed) {
    if (SagaStep.CONFIGURE_CLONE.wireName().equals(failed.step())) {
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
    List<VmId> made = new CopyOnWriteArrayList<>();
    steps.on(event, SagaStep.CONFIGURE_CLONE)
        // each identity is recorded (allocated) before the hypervisor defines the clone with it
        .undo(() -> made.forEach(hypervisor::destroyVm))
        .run(() -> {
          if (identities.cancelled(cloneId)) {
            return null;
          }
          PartialFailures failed = new PartialFailures(plan, unfrozen.failures());
          List<Input> inputs = inputsOf(unfrozen, plan.count());
          VmInfo parent = hypervisor.requireVm(source);
          Lineage.Position position = lineage.positionOf(source.value());
          IdentityPolicy policy = policyOf(plan);
          List<VmIdentity> ids = new ArrayList<>(java.util.Collections.nCopies(plan.count(), null));
          List<VmId> byIndex = new ArrayList<>(java.util.Collections.nCopies(plan.count(), null));
          for (int i = 0; i < plan.count(); i++) {
            if (failed.hasFailed(i)) {
              continue; // its copy failed: no image, no pointer, nothing to make
            }
            // each clone on its own host, its address from that host's pool
            HostName target = new HostName(plan.hostFor(i));
            try {
              VmIdentity identity =
                  identities.allocate(cloneId, i, parent.identity().name(), plan.nameFor(i), pools.forHost(target.value()));
              VmInfo clone = hypervisor.configureClone(
                  StepOperation.CONFIGURE.id(cloneId, i),
                  new CloneSpec(source, stateOf(cloneId, i, source, target, inputs.get(i)), diskOf(target, inputs.get(i)),
                      identity, policy, plan.standby()));
              halt.reach(HaltPoints.CLONE_DEFINED);
              made.add(clone.id());
              byIndex.set(i, clone.id());
              identities.bind(cloneId, i, clone.id().value());
              ids.set(i, identity);
            } catch (HypervisorException | StepFailure e) {
              failed.configureFailed(i, e); // rethrows unless partial
              identities.retire(cloneId, i);
            }
          }
          // every clone is defined (and its identity recorded) before any starts; the starts, the
          // slow part (restore, identity in the guest), run side by side
          List<Integer> defined = failed.remaining();
          List<Object> started = Fanout.run(defined.size(), startParallelism, k -> {
            int i = defined.get(k);
            try {
              return hypervisor.startClone(StepOperation.START.id(cloneId, i), byIndex.get(i));
            } catch (HypervisorException | StepFailure e) {
              if (!plan.partial()) {
                throw e;
              }
              return e;
            }
          });
          List<ConfiguredClone> clones = new ArrayList<>();
          for (int k = 0; k < defined.size(); k++) {
            int i = defined.get(k);
            RuntimeException why = started.get(k) instanceof RuntimeException e ? e
                : ((VmInfo) started.get(k)).state() != VmState.RUNNING
                    // CloneConfigured says the clone runs: never for a paused or stopped one
                    ? new StepFailure.Hypervisor(new HypervisorException.DriverFailure("clone " + i + " ("
                        + byIndex.get(i).value() + ") is " + ((VmInfo) started.get(k)).state() + " after its start", null))
                    : null;
            if (why != null) {
              failed.startFailed(i, why); // rethrows unless partial
              removeFailed(byIndex.get(i), made);
              continue;
            }
            clones.add(configured(i, (VmInfo) started.get(k), ids.get(i), new HostName(plan.hostFor(i)),
                inputs.get(i).pointer(), position.generation() + 1));
          }
          failed.requireOneLeft();
          return new Result(clones, position.root(), inputs, failed.list());
        })
        .onFailure(reason -> identities.retire(cloneId))
        .emit((Result r) -> {
          if (r == null) {
            return null; // cancelled before it was configured
          }
          for (ConfiguredClone c : r.clones()) {
            lineage.record(cloneId, source.value(), r.root(), c, r.inputs().get(c.index()).pointer().baseRef());
          }
          return new CloneConfigured(plan, r.clones(), r.failures());
        });
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
        .orElseThrow(() -> new StepFailure.Unsupported("identity policy '" + plan.identityPolicy() + "' is not require-agent, isolate or allow"));
  }

  /**
   * Each clone's copied image and storage pointer, by index (null for a clone whose copy failed, as
   * listed in {@code failures}); a missing one of any other clone fails the step.
   */
  static List<Input> inputsOf(StorageUnfrozen e, int count) {
    List<Input> inputs = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      int i = index;
      if (e.failures().stream().anyMatch(f -> f.index() == i)) {
        inputs.add(null);
        continue;
      }
      CopiedImage image = e.images().stream().filter(c -> c.index() == i).findFirst()
          .orElseThrow(() -> new StepFailure.MissingInput("no copied image for clone " + i));
      ClonePointer pointer = e.pointers().stream().filter(p -> p.index() == i).findFirst()
          .orElseThrow(() -> new StepFailure.MissingInput("no storage pointer for clone " + i));
      inputs.add(new Input(image, pointer));
    }
    return inputs;
  }

  /** What the earlier steps made for one clone. */
  record Input(CopiedImage image, ClonePointer pointer) {}

  private record Result(List<ConfiguredClone> clones, String root, List<Input> inputs, List<FailedClone> failures) {}

  /** A partial plan's clone that failed on its own: its VM destroyed and its identity retired. */
  private void removeFailed(VmId vm, List<VmId> made) {
    try {
      hypervisor.destroyVm(vm);
    } catch (HypervisorException.VmNotFound gone) {
      // already gone
    }
    made.remove(vm);
    identities.retireVm(vm.value());
  }

  private static CopiedState stateOf(UUID cloneId, int i, VmId source, HostName target, Input input) {
    CopiedImage image = input.image();
    return new CopiedState(StepOperation.COPY.id(cloneId, i), source, target, image.imageRef(), image.bytes(),
        image.pagesCopied(), image.zeroPagesSkipped(), image.checksum());
  }

  private static StoragePointer diskOf(HostName target, Input input) {
    ClonePointer pointer = input.pointer();
    return new StoragePointer(pointer.pointerId(), target, pointer.location(), pointer.baseRef(),
        pointer.disks().stream()
            .map(d -> new StoragePointer.Disk(d.device(), d.pointerId(), d.location(), d.baseRef()))
            .toList());
  }
}
