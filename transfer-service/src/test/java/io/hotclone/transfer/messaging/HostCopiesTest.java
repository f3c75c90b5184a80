package io.hotclone.transfer.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.FailedClone;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.support.messaging.StepFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostCopiesTest {

  private static ClonePlan plan(List<String> hosts) {
    return new ClonePlan("vm-1", "host-a", null, hosts.size(), List.of(), 30_000, null, hosts, false, false);
  }

  private static ClonePlan partialPlan(List<String> hosts) {
    return new ClonePlan("vm-1", "host-a", null, hosts.size(), List.of(), 30_000, null, hosts, true, false);
  }

  private static final List<String> TWO_EACH = List.of("host-a", "host-b", "host-a", "host-b");

  @Test
  void differentHostsCopySideBySideAndOneHostsClonesInIndexOrder() {
    // each host's first copy waits until the other host's first copy has started: only side by side passes
    CountDownLatch bothStarted = new CountDownLatch(2);
    Map<String, List<Integer>> order = new ConcurrentHashMap<>();
    ClonePlan plan = plan(List.of("host-a", "host-b", "host-a", "host-b"));

    Map<Integer, String> results = HostCopies.run(plan, i -> {
      String host = plan.hostFor(i);
      order.computeIfAbsent(host, h -> new CopyOnWriteArrayList<>()).add(i);
      if (i < 2) {
        bothStarted.countDown();
        try {
          if (!bothStarted.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("copy " + i + " ran alone");
          }
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return "copy-" + i + "@" + host;
    }).copied();

    assertThat(results).containsExactly(Map.entry(0, "copy-0@host-a"), Map.entry(1, "copy-1@host-b"),
        Map.entry(2, "copy-2@host-a"), Map.entry(3, "copy-3@host-b"));
    assertThat(order).containsEntry("host-a", List.of(0, 2)).containsEntry("host-b", List.of(1, 3));
  }

  @Test
  void aFailedCopyFailsTheWholeRunOnceEveryHostEnded() {
    List<Integer> ran = new CopyOnWriteArrayList<>();
    assertThatThrownBy(() -> HostCopies.run(plan(List.of("host-a", "host-b", "host-b")), i -> {
      ran.add(i);
      if (i == 0) {
        throw new IllegalStateException("target disk full");
      }
      return i;
    })).hasMessage("target disk full");
    assertThat(ran).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void withPartialAHostWhoseFirstCopyFailsFailsAllItsClonesAtCopyAndTheOtherHostGoesOn() {
    List<Integer> ran = new CopyOnWriteArrayList<>();

    HostCopies.Outcome<String> out = HostCopies.run(partialPlan(TWO_EACH), i -> {
      ran.add(i);
      if (i == 1) {
        throw new HypervisorException.DriverFailure("target disk full", null);
      }
      return "copy-" + i;
    });

    assertThat(out.copied()).containsExactly(Map.entry(0, "copy-0"), Map.entry(2, "copy-2"));
    assertThat(out.failures()).containsExactly(
        new FailedClone(1, "host-b", "copy", "target disk full"), new FailedClone(3, "host-b", "copy", "target disk full"));
    assertThat(ran).as("host-b's later clone is not tried").containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void withPartialAHostsClonesCopiedBeforeItsFailureKeepTheirCopy() {
    HostCopies.Outcome<String> out = HostCopies.run(partialPlan(TWO_EACH), i -> {
      if (i == 3) {
        throw new StepFailure.MissingInput("no room for clone 3");
      }
      return "copy-" + i;
    });

    assertThat(out.copied().keySet()).containsExactly(0, 1, 2);
    assertThat(out.failures()).containsExactly(new FailedClone(3, "host-b", "copy", "no room for clone 3"));
  }

  @Test
  void withPartialTheStepStillFailsWhenEveryHostsCopyFailed() {
    assertThatThrownBy(() -> HostCopies.run(partialPlan(TWO_EACH), i -> {
      throw new HypervisorException.DriverFailure("host " + (i % 2 == 0 ? "a" : "b") + " disk full", null);
    })).isInstanceOf(HypervisorException.DriverFailure.class).hasMessage("host a disk full");
  }

  @Test
  void withPartialAFailureThatIsNoCopyFailureIsThrownAsItIs() {
    assertThatThrownBy(() -> HostCopies.run(partialPlan(TWO_EACH), i -> {
      if (i == 1) {
        throw new IllegalStateException("bug");
      }
      return i;
    })).isInstanceOf(IllegalStateException.class).hasMessage("bug");
  }

  @Test
  void withoutPartialAHypervisorFailureOfOneHostFailsTheWholeRun() {
    assertThatThrownBy(() -> HostCopies.run(plan(TWO_EACH), i -> {
      if (i == 1) {
        throw new HypervisorException.DriverFailure("target disk full", null);
      }
      return i;
    })).isInstanceOf(HypervisorException.DriverFailure.class).hasMessage("target disk full");
  }
}
