package io.hotclone.config.messaging;

import static io.hotclone.support.messaging.EmbeddedSaga.B;
import static io.hotclone.support.messaging.EmbeddedSaga.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.config.domain.IpPool;
import io.hotclone.config.domain.IpPools;
import io.hotclone.config.persistence.Lineage;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.CopiedImage;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.StorageUnfrozen;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.IdentityPolicy;
import io.hotclone.hypervisor.VmState;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.messaging.EmbeddedSaga;
import io.hotclone.support.messaging.FakeSagaLog;
import io.hotclone.support.messaging.StepOperation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configure step on the embedded hypervisor, with the inbox, outbox, identities and lineage in memory. */
class ConfigStepsTest {

  @TempDir Path dir;
  private EmbeddedSaga saga;
  private EmbeddedHypervisor hv;
  private FakeSagaLog log;
  private final InMemoryIdentities identities = new InMemoryIdentities();
  private final List<String> lineage = new ArrayList<>();
  private ConfigSteps config;
  private VmId vm;
  private final UUID clone = UUID.randomUUID();

  @BeforeEach
  void start() {
    saga = new EmbeddedSaga(dir);
    hv = saga.hv();
    log = saga.log();
    vm = saga.vm();
    identities.registerExisting(vm.value(), saga.source().identity()); // as the reconciler does
    Lineage records = new Lineage() {
      @Override
      public Position positionOf(String vmId) {
        return new Position(vmId, 0);
      }

      @Override
      public void record(UUID cloneId, String parent, String root, ConfiguredClone c, String baseRef) {
        lineage.add(c.index() + " " + c.vmId() + " " + parent + " " + root + " " + c.generation() + " " + baseRef);
      }
    };
    IpPools pools = new IpPools(List.of(IpPool.of(IpPools.DEFAULT, "10.77.0.0/16", "10.77.0.1", List.of())));
    config = new ConfigSteps(hv, saga.steps(), identities, records, HaltPoints.none(), pools, IdentityPolicy.ALLOW, 1);
  }

  @AfterEach
  void close() {
    saga.close();
  }

  private ClonePlan plan(String... names) {
    return saga.plan(2, names);
  }

  /** What the earlier steps do on the hypervisor, and storage's event. */
  private EventEnvelope storageUnfrozen(ClonePlan plan) {
    saga.freezeStorage(clone);
    saga.freezeMemory(clone);
    List<CopiedImage> images = saga.copies(clone, plan.count());
    hv.unfreezeMemory(StepOperation.UNFREEZE_MEMORY.id(clone), vm);
    hv.unfreezeStorage(StepOperation.UNFREEZE_STORAGE.id(clone), vm);
    return EventEnvelope.of(clone, new StorageUnfrozen(plan, images, saga.pointers(clone, plan.count()), null), NOW);
  }

  private int vmsOnB() {
    return hv.vms(B).size();
  }

  @Test
  void its_handlers_cover_exactly_configs_rows_of_the_saga_table_and_compensate() {
    assertThat(config.handlers().steps())
        .isEqualTo(SagaTable.rowsOf(SagaService.CONFIG))
        .containsExactly(SagaStep.CONFIGURE_CLONE);
    assertThat(config.handlers().compensates()).isTrue();
  }

  @Test
  void storage_unfrozen_defines_and_starts_each_clone_records_lineage_and_emits_clone_configured() {
    EventEnvelope event = storageUnfrozen(plan("web-1", "web-2"));
    StorageUnfrozen in = (StorageUnfrozen) event.payload();

    config.on(event);

    CloneConfigured configured = (CloneConfigured) log.onlyEvent();
    assertThat(configured.plan()).isEqualTo(in.plan());
    assertThat(configured.clones()).extracting(ConfiguredClone::index).containsExactly(0, 1);
    assertThat(configured.clones()).extracting(ConfiguredClone::name).containsExactly("web-1", "web-2");
    assertThat(configured.clones()).extracting(ConfiguredClone::pointerId)
        .containsExactly(in.pointers().get(0).pointerId(), in.pointers().get(1).pointerId());
    assertThat(configured.clones()).extracting(ConfiguredClone::host).containsOnly("host-b");
    assertThat(configured.clones()).extracting(ConfiguredClone::generation).containsOnly(1);
    for (ConfiguredClone c : configured.clones()) {
      assertThat(hv.requireVm(new VmId(c.vmId())).host()).isEqualTo(B);
    }
    assertThat(identities.boundVms(clone)).containsExactlyInAnyOrder(
        configured.clones().get(0).vmId(), configured.clones().get(1).vmId());
    assertThat(lineage).containsExactly(
        "0 " + configured.clones().get(0).vmId() + " " + vm.value() + " " + vm.value() + " 1 " + in.pointers().get(0).baseRef(),
        "1 " + configured.clones().get(1).vmId() + " " + vm.value() + " " + vm.value() + " 1 " + in.pointers().get(1).baseRef());
  }

  @Test
  void the_clones_start_side_by_side_up_to_the_start_parallelism_and_are_published_in_index_order() {
    // four clones, two starts at a time: each start is held until two run at once, and a third
    // that came in while they are held would show in the most seen at once
    Overlap starts = new Overlap(2);
    Hypervisor counting = (Hypervisor) Proxy.newProxyInstance(
        Hypervisor.class.getClassLoader(), new Class<?>[] {Hypervisor.class}, (proxy, method, args) -> {
          boolean start = method.getName().equals("startClone");
          try {
            if (start && !starts.enter()) {
              throw new HypervisorException.DriverFailure("the starts did not run side by side", null);
            }
            return method.invoke(hv, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            if (start) {
              starts.exit();
            }
          }
        });
    IpPools pools = new IpPools(List.of(IpPool.of(IpPools.DEFAULT, "10.77.0.0/16", "10.77.0.1", List.of())));
    ConfigSteps parallel = new ConfigSteps(counting, saga.steps(), identities, noLineage(), HaltPoints.none(), pools, IdentityPolicy.ALLOW, 2);
    EventEnvelope event = storageUnfrozen(saga.plan(4, "a", "b", "c", "d"));

    parallel.on(event);

    CloneConfigured configured = (CloneConfigured) log.onlyEvent();
    assertThat(starts.most()).as("the most starts that ran at once").isEqualTo(2);
    assertThat(configured.clones()).extracting(ConfiguredClone::index).containsExactly(0, 1, 2, 3);
    assertThat(configured.clones()).extracting(ConfiguredClone::name).containsExactly("a", "b", "c", "d");
    for (ConfiguredClone c : configured.clones()) {
      assertThat(hv.requireVm(new VmId(c.vmId())).state()).isEqualTo(VmState.RUNNING);
    }
  }

  private static Lineage noLineage() {
    return new Lineage() {
      @Override
      public Position positionOf(String vmId) {
        return new Position(vmId, 0);
      }

      @Override
      public void record(UUID cloneId, String parent, String root, ConfiguredClone c, String baseRef) {}
    };
  }

  @Test
  void an_identity_conflict_destroys_the_clones_made_retires_the_identities_and_emits_clone_failed_with_its_reason() {
    int before = vmsOnB();
    String taken = hv.requireVm(vm).identity().name();
    EventEnvelope event = storageUnfrozen(plan("fresh", taken));

    config.on(event);

    assertThat(log.onlyEvent()).isEqualTo(
        new CloneFailed(plan("fresh", taken), "configure-clone", "identity-conflict: name '" + taken + "' is in use by a live VM"));
    assertThat(vmsOnB()).as("the clone made before the conflict is destroyed").isEqualTo(before);
    assertThat(identities.live(clone)).isZero();
  }

  @Test
  void a_hypervisor_failure_fails_the_step_with_code_and_message() {
    int before = vmsOnB();
    EventEnvelope event = storageUnfrozen(plan());
    hv.failNextOperation(clone, "start-1", "no CPU left");

    config.on(event);

    assertThat(log.onlyEvent()).isEqualTo(new CloneFailed(plan(), "configure-clone", "driver-failure: no CPU left"));
    assertThat(vmsOnB()).isEqualTo(before);
    assertThat(identities.live(clone)).isZero();
  }

  @Test
  void a_missing_copied_image_fails_the_step_with_a_clear_reason_and_makes_nothing() {
    int before = vmsOnB();
    StorageUnfrozen full = (StorageUnfrozen) storageUnfrozen(plan()).payload();
    EventEnvelope event = EventEnvelope.of(
        clone, new StorageUnfrozen(full.plan(), full.images().subList(0, 1), full.pointers(), null), NOW);

    config.on(event);

    assertThat(log.onlyEvent()).isEqualTo(new CloneFailed(plan(), "configure-clone", "missing-input: no copied image for clone 1"));
    assertThat(vmsOnB()).isEqualTo(before);
    assertThat(identities.rows.stream().filter(r -> r.cloneId.equals(clone))).isEmpty();
  }

  @Test
  void a_missing_storage_pointer_fails_the_step_with_a_clear_reason() {
    StorageUnfrozen full = (StorageUnfrozen) storageUnfrozen(plan()).payload();
    EventEnvelope event = EventEnvelope.of(
        clone, new StorageUnfrozen(full.plan(), full.images(), full.pointers().subList(1, 2), null), NOW);

    config.on(event);

    assertThat(log.onlyEvent()).isEqualTo(new CloneFailed(plan(), "configure-clone", "missing-input: no storage pointer for clone 0"));
  }

  @Test
  void a_configure_arriving_after_the_clone_was_cancelled_makes_nothing_and_emits_nothing() {
    int before = vmsOnB();
    EventEnvelope event = storageUnfrozen(plan());
    EventEnvelope failed = EventEnvelope.of(clone, new CloneFailed(plan(), "request", "timed out"), NOW);

    config.on(failed);
    config.on(event);

    assertThat(log.events()).isEmpty();
    assertThat(vmsOnB()).isEqualTo(before);
    assertThat(identities.cancelled).containsEntry(clone, "request: timed out");
    assertThat(log.claimed(event)).isTrue();
  }

  @Test
  void clone_failed_after_the_configure_destroys_the_clones_and_retires_their_identities() {
    int before = vmsOnB();
    config.on(storageUnfrozen(plan()));
    assertThat(vmsOnB()).isEqualTo(before + 2);

    config.on(EventEnvelope.of(clone, new CloneFailed(plan(), "complete", "x"), NOW));

    assertThat(vmsOnB()).isEqualTo(before);
    assertThat(identities.live(clone)).isZero();
  }

  @Test
  void its_own_clone_failed_is_left_alone() {
    config.on(storageUnfrozen(plan()));

    config.on(EventEnvelope.of(clone, new CloneFailed(plan(), "configure-clone", "x"), NOW));

    assertThat(identities.live(clone)).isEqualTo(2);
    assertThat(identities.cancelled).isEmpty();
  }

  @Test
  void a_repeated_storage_unfrozen_does_nothing() {
    int before = vmsOnB();
    EventEnvelope event = storageUnfrozen(plan());
    log.processed(event);

    config.on(event);

    assertThat(log.events()).isEmpty();
    assertThat(vmsOnB()).isEqualTo(before);
  }

  private ClonePlan partial(int count) {
    ClonePlan p = saga.plan(count);
    return new ClonePlan(p.sourceVm(), p.sourceHost(), p.targetHost(), p.count(), p.names(), p.leaseMillis(),
        p.identityPolicy(), p.targetHosts(), true, false);
  }

  @Test
  void a_partial_plan_removes_a_clone_whose_start_failed_lists_it_and_completes_the_others() {
    int before = vmsOnB();
    EventEnvelope event = storageUnfrozen(partial(3));
    hv.failNextOperation(clone, "start-1", "no CPU left");

    config.on(event);

    CloneConfigured configured = (CloneConfigured) log.onlyEvent();
    assertThat(configured.clones()).extracting(ConfiguredClone::index).containsExactly(0, 2);
    assertThat(configured.failures()).hasSize(1);
    io.hotclone.events.FailedClone f = configured.failures().get(0);
    assertThat(List.of(f.index(), f.host(), f.step())).containsExactly(1, "host-b", "start");
    assertThat(f.reason()).contains("no CPU left");
    assertThat(vmsOnB()).as("the failed clone is destroyed, the two others run").isEqualTo(before + 2);
    for (ConfiguredClone c : configured.clones()) {
      assertThat(hv.requireVm(new VmId(c.vmId())).state()).isEqualTo(io.hotclone.hypervisor.VmState.RUNNING);
    }
    assertThat(identities.live(clone)).as("the failed clone's identity is retired").isEqualTo(2);
    assertThat(identities.boundVms(clone)).containsExactlyInAnyOrder(
        configured.clones().get(0).vmId(), configured.clones().get(1).vmId());
  }

  @Test
  void a_partial_plan_whose_every_clone_failed_fails_the_step_and_leaves_nothing() {
    int before = vmsOnB();
    EventEnvelope event = storageUnfrozen(partial(1));
    hv.failNextOperation(clone, "start-0", "no CPU left");

    config.on(event);

    assertThat(log.onlyEvent()).isInstanceOfSatisfying(CloneFailed.class,
        e -> assertThat(e.reason()).contains("every clone failed").contains("no CPU left"));
    assertThat(vmsOnB()).isEqualTo(before);
    assertThat(identities.live(clone)).isZero();
  }
}
