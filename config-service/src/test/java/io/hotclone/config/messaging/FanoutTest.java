package io.hotclone.config.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class FanoutTest {

  @Test
  void results_come_back_in_index_order_whatever_order_the_tasks_end_in() {
    CountDownLatch lastDone = new CountDownLatch(1);
    List<String> out = Fanout.run(3, 3, i -> {
      if (i == 2) {
        lastDone.countDown();
      } else {
        await(lastDone); // 0 and 1 end after 2
      }
      return "clone-" + i;
    });

    assertThat(out).containsExactly("clone-0", "clone-1", "clone-2");
  }

  @Test
  void up_to_parallelism_tasks_run_at_once_and_never_more() {
    Overlap overlap = new Overlap(3);
    List<Boolean> met = Fanout.run(5, 3, i -> {
      try {
        return overlap.enter();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      } finally {
        overlap.exit();
      }
    });

    assertThat(met).as("3 ran at once").containsOnly(true);
    assertThat(overlap.most()).as("the most tasks that ran at once").isEqualTo(3);
  }

  @Test
  void every_task_runs_to_its_end_and_the_lowest_failing_index_is_what_is_thrown() {
    Set<Integer> ended = ConcurrentHashMap.newKeySet();

    assertThatThrownBy(() -> Fanout.run(4, 2, i -> {
      if (i == 1 || i == 3) {
        ended.add(i);
        throw new IllegalArgumentException("start " + i + " failed");
      }
      ended.add(i);
      return i;
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("start 1 failed");

    assertThat(ended).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void a_failure_is_thrown_only_once_the_tasks_still_running_have_ended() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch zeroFailed = new CountDownLatch(1);
    Set<Integer> ended = ConcurrentHashMap.newKeySet();
    Set<Integer> endedWhenThrown = ConcurrentHashMap.newKeySet();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        Fanout.run(2, 2, i -> {
          if (i == 0) {
            ended.add(0);
            zeroFailed.countDown();
            throw new IllegalArgumentException("start 0 failed");
          }
          await(release);
          ended.add(1);
          return i;
        });
      } catch (Throwable t) {
        endedWhenThrown.addAll(ended);
        thrown.set(t);
      }
    });
    caller.start();

    // task 0 has failed; task 1 is held: the caller must still be waiting for it (a negative check,
    // so bounded; a caller that throws early ends within it, and it is timed from task 0's failure)
    await(zeroFailed);
    caller.join(500);
    assertThat(caller.isAlive()).as("the caller still waits while task 1 runs; it threw %s", thrown.get()).isTrue();

    release.countDown();
    caller.join(10_000);
    assertThat(caller.isAlive()).as("the caller returned once task 1 ended").isFalse();
    assertThat(thrown.get()).isInstanceOf(IllegalArgumentException.class).hasMessage("start 0 failed");
    assertThat(endedWhenThrown).as("tasks ended when the failure was thrown").containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void each_task_sees_the_callers_logging_context() {
    MDC.put("cloneId", "c-1");
    try {
      List<String> seen = Fanout.run(3, 3, i -> MDC.get("cloneId"));

      assertThat(seen).containsOnly("c-1");
    } finally {
      MDC.clear();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
