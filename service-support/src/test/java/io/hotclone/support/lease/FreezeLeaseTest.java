package io.hotclone.support.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.hypervisor.VmId;
import io.hotclone.support.messaging.FakeSagaLog;
import io.hotclone.support.messaging.SagaSteps;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FreezeLeaseTest {

  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of(), 30_000);
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private final FakeSagaLog log = new FakeSagaLog();
  private final InMemoryLeaseStore store = new InMemoryLeaseStore();
  private final List<String> thaws = new ArrayList<>();
  private final UUID clone = UUID.randomUUID();

  private FreezeLease lease(Instant now) {
    SagaSteps steps = log.steps(Clock.fixed(now, ZoneOffset.UTC));
    return new FreezeLease(store, steps, SagaStep.FREEZE_MEMORY, (id, vm) -> thaws.add(id + " " + vm.value()));
  }

  @Test
  void held_are_exactly_freezing_and_frozen() {
    assertThat(List.of(LeaseState.values()).stream().filter(LeaseState::held))
        .containsExactly(LeaseState.FREEZING, LeaseState.FROZEN);
  }

  @Test
  void a_registered_lease_is_held_until_the_plans_lease_time_and_ends_thawed() {
    FreezeLease lease = lease(NOW);
    lease.register(clone, new VmId("vm-1"), PLAN);
    assertThat(store.find(clone).orElseThrow().leaseUntil()).isEqualTo(NOW.plusMillis(30_000));
    lease.frozen(clone, NOW);
    assertThat(store.state(clone)).isEqualTo(LeaseState.FROZEN);

    lease.thawed(clone, NOW);

    assertThat(store.state(clone)).isEqualTo(LeaseState.THAWED);
  }

  @Test
  void clone_failed_thaws_a_held_freeze_releases_the_rest_then_ends_the_lease_released() {
    FreezeLease lease = lease(NOW);
    lease.register(clone, new VmId("vm-1"), PLAN);
    EventEnvelope failed = EventEnvelope.of(clone, new CloneFailed(PLAN, "copy-state", "x"), NOW);

    lease.onCloneFailed(failed, () -> thaws.add("rest"));

    assertThat(thaws).containsExactly(clone + " vm-1", "rest");
    assertThat(store.state(clone)).isEqualTo(LeaseState.RELEASED);
    assertThat(store.reason(clone)).isEqualTo("clone failed");
    assertThat(log.claimed(failed)).isTrue();
  }

  @Test
  void clone_failed_after_the_thaw_does_not_thaw_again() {
    FreezeLease lease = lease(NOW);
    lease.register(clone, new VmId("vm-1"), PLAN);
    lease.thawed(clone, NOW);

    lease.onCloneFailed(EventEnvelope.of(clone, new CloneFailed(PLAN, "configure-clone", "x"), NOW), () -> {});

    assertThat(thaws).isEmpty();
    assertThat(store.state(clone)).isEqualTo(LeaseState.THAWED);
  }

  @Test
  void the_watchdog_thaws_an_expired_lease_releases_it_fails_the_clone_and_counts_it_once() {
    lease(NOW).register(clone, new VmId("vm-1"), PLAN);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LeaseWatchdog watchdog = lease(NOW.plusSeconds(31)).watchdog(registry);

    watchdog.releaseExpired();
    watchdog.releaseExpired();

    assertThat(thaws).containsExactly(clone + " vm-1");
    assertThat(store.state(clone)).isEqualTo(LeaseState.RELEASED);
    assertThat(log.onlyEvent()).isEqualTo(new CloneFailed(
        PLAN, "freeze-memory", "freeze lease expired at " + NOW.plusMillis(30_000) + "; source thawed"));
    assertThat(registry.get("hotclone.lease.expiries").tag("step", "freeze-memory").counter().count()).isEqualTo(1.0);
  }
}
