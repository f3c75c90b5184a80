package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Freeze leases and their watchdog, with a controlled clock. */
class LeasesTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final Clock clock =
      new Clock() {
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        public Instant instant() {
          return now.get();
        }
      };
  private final List<UUID> thawed = new CopyOnWriteArrayList<>();
  private final VmId vm = new VmId("vm-1");
  private final HostName host = new HostName("host-a");

  @Test
  void givenAStorageFreeze_whenTheLeasePasses_thenTheWatchdogThawsAndLaterStepsSeeLeaseExpired() {
    try (Leases leases = new Leases(clock, Duration.ofDays(1), l -> thawed.add(l.cloneId))) {
      UUID clone = UUID.randomUUID();
      leases.holdStorage(OperationId.of(clone, "freeze-storage"), vm, host, Duration.ofSeconds(30));
      leases.expire();
      assertThat(thawed).isEmpty();

      now.set(now.get().plusSeconds(31));
      leases.expire();
      leases.expire();

      assertThat(thawed).containsExactly(clone);
      assertThatThrownBy(() -> leases.holdMemory(OperationId.of(clone, "freeze-memory"), vm, Duration.ofSeconds(30)))
          .isInstanceOf(HypervisorException.LeaseExpired.class);
      assertThat(leases.releaseStorage(clone)).as("a thaw after expiry finds nothing held").isFalse();
    }
  }

  @Test
  void givenNoStorageFreeze_whenMemoryIsFrozen_thenNotFrozen() {
    try (Leases leases = new Leases(clock, Duration.ofDays(1), l -> thawed.add(l.cloneId))) {
      assertThatThrownBy(() -> leases.holdMemory(OperationId.of(UUID.randomUUID(), "freeze-memory"), vm, Duration.ofSeconds(5)))
          .isInstanceOf(HypervisorException.NotFrozen.class);
    }
  }

  @Test
  void givenReleasedFreezes_whenTheDeadlinePasses_thenNothingIsThawed() {
    try (Leases leases = new Leases(clock, Duration.ofDays(1), l -> thawed.add(l.cloneId))) {
      UUID clone = UUID.randomUUID();
      leases.holdStorage(OperationId.of(clone, "s"), vm, host, Duration.ofSeconds(5));
      leases.holdMemory(OperationId.of(clone, "m"), vm, Duration.ofSeconds(5));
      assertThat(leases.releaseMemory(clone)).isTrue();
      assertThat(leases.releaseStorage(clone)).isTrue();
      assertThat(leases.releaseStorage(clone)).as("second thaw").isFalse();
      now.set(now.get().plusSeconds(60));
      leases.expire();
      assertThat(thawed).isEmpty();
    }
  }
}
