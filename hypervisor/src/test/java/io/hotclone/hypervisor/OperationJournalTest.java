package io.hotclone.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperationJournalTest {
  private final OperationJournal journal = new OperationJournal();
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void theFirstResultIsReturnedAgainWithoutRunningAnything() {
    OperationId op = OperationId.of(UUID.randomUUID(), "freeze-storage");

    String first = journal.once(op, String.class, () -> "first-" + runs.incrementAndGet());
    String repeat = journal.once(op, String.class, () -> "repeat-" + runs.incrementAndGet());

    assertThat(first).isEqualTo("first-1");
    assertThat(repeat).isEqualTo("first-1");
    assertThat(runs).hasValue(1);
  }

  @Test
  void concurrentCallersJoinTheAttemptInFlight() throws Exception {
    OperationId op = OperationId.of(UUID.randomUUID(), "copy-0");
    CountDownLatch calling = new CountDownLatch(8);
    CountDownLatch finish = new CountDownLatch(1);

    List<Future<String>> results = new ArrayList<>();
    Queue<Thread> callers = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < 8; i++) {
      results.add(pool.submit(() -> {
        callers.add(Thread.currentThread());
        calling.countDown();
        return journal.once(op, String.class, () -> {
          int n = runs.incrementAndGet();
          await(finish);
          return "result-" + n;
        });
      }));
    }
    assertThat(calling.await(10, TimeUnit.SECONDS)).isTrue();
    awaitParked(callers); // every caller is inside once() while the first attempt is still running
    finish.countDown();

    for (Future<String> r : results) {
      assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("result-1");
    }
    assertThat(runs).as("effects").hasValue(1);
  }

  @Test
  void aFailureReachesEveryCallerOfItsAttemptAndTheNextCallRunsAgain() throws Exception {
    OperationId op = OperationId.of(UUID.randomUUID(), "freeze-memory");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    Future<String> failing = pool.submit(() -> journal.once(op, String.class, () -> {
      runs.incrementAndGet();
      started.countDown();
      await(fail);
      throw new IllegalStateException("host down");
    }));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Queue<Thread> joiner = new ConcurrentLinkedQueue<>();
    Future<String> joining = pool.submit(() -> {
      joiner.add(Thread.currentThread());
      return journal.once(op, String.class, () -> "joiner ran " + runs.incrementAndGet());
    });
    awaitParked(joiner); // the second caller waits on the first attempt
    fail.countDown();

    assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasRootCauseMessage("host down");
    assertThatThrownBy(() -> joining.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasRootCauseMessage("host down");
    assertThat(runs).as("the joiner did not run the action").hasValue(1);

    assertThat(journal.once(op, String.class, () -> "retried")).isEqualTo("retried");
    assertThat(journal.once(op, String.class, () -> "again")).isEqualTo("retried");
  }

  @Test
  void anIdReusedForAResultOfAnotherTypeIsRefused() {
    OperationId op = OperationId.of(UUID.randomUUID(), "configure-0");
    journal.once(op, String.class, () -> "configured");

    assertThatThrownBy(() -> journal.once(op, Integer.class, runs::incrementAndGet))
        .isInstanceOf(HypervisorException.DriverFailure.class)
        .hasMessageContaining(op.toString());
    assertThat(runs).hasValue(0);
  }

  @Test
  void completedResultsBeyondTheCapacityAreForgottenOldestFirst() {
    OperationJournal small = new OperationJournal(2);
    UUID clone = UUID.randomUUID();
    OperationId a = OperationId.of(clone, "a");
    OperationId b = OperationId.of(clone, "b");
    OperationId c = OperationId.of(clone, "c");
    small.once(a, String.class, () -> "a1");
    small.once(b, String.class, () -> "b1");
    small.once(c, String.class, () -> "c1");

    assertThat(small.once(c, String.class, () -> "c2")).isEqualTo("c1");
    assertThat(small.once(b, String.class, () -> "b2")).isEqualTo("b1");
    assertThat(small.once(a, String.class, () -> "a2")).as("the oldest was forgotten").isEqualTo("a2");
  }

  @Test
  void forgetCloneForgetsThatClonesResultsOnly() {
    OperationId released = OperationId.of(UUID.randomUUID(), "copy-0");
    OperationId other = OperationId.of(UUID.randomUUID(), "copy-0");
    journal.once(released, String.class, () -> "released-1");
    journal.once(other, String.class, () -> "other-1");

    journal.forgetClone(released.cloneId());

    assertThat(journal.once(released, String.class, () -> "released-2")).isEqualTo("released-2");
    assertThat(journal.once(other, String.class, () -> "other-2")).isEqualTo("other-1");
  }

  /**
   * Waits until each of {@code threads} (once they have all started) is parked: a caller parks only
   * on the attempt it joined or, for the caller running the action, on the test's latch.
   */
  private static void awaitParked(Queue<Thread> threads) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (threads.isEmpty() || !threads.stream().allMatch(t ->
        t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("callers never parked: " + threads.stream().map(Thread::getState).toList());
      }
      TimeUnit.MILLISECONDS.sleep(1); // poll interval of this deadline wait
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test latch never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
