package io.hotclone.transfer.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.events.ClonePlan;
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

  @Test
  void differentHostsCopySideBySideAndOneHostsClonesInIndexOrder() {
    // each host's first copy waits until the other host's first copy has started: only side by side passes
    CountDownLatch bothStarted = new CountDownLatch(2);
    Map<String, List<Integer>> order = new ConcurrentHashMap<>();
    ClonePlan plan = plan(List.of("host-a", "host-b", "host-a", "host-b"));

    List<String> results = HostCopies.run(plan, i -> {
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
    });

    assertThat(results).containsExactly("copy-0@host-a", "copy-1@host-b", "copy-2@host-a", "copy-3@host-b");
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
}
