package io.hotclone.hypervisor.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.OperationId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OperationLogTest {
  private final OperationLog log = new OperationLog();

  @Test
  void concurrentCallsWithOneIdRunTheActionOnceAndShareItsResult() throws Exception {
    OperationId op = OperationId.of(UUID.randomUUID(), "copy");
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return log.once(op, String.class, () -> "result-" + runs.incrementAndGet());
        }));
      }
      start.countDown();
      for (Future<String> r : results) {
        assertThat(r.get()).isEqualTo("result-1");
      }
      assertThat(runs).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedActionIsForgottenSoARetryRunsAgain() {
    OperationId op = OperationId.of(UUID.randomUUID(), "freeze");
    assertThatThrownBy(() -> log.once(op, String.class, () -> {
      throw new IllegalStateException("host down");
    })).hasMessage("host down");

    assertThat(log.once(op, String.class, () -> "ok")).isEqualTo("ok");
    assertThat(log.once(op, String.class, () -> "again")).isEqualTo("ok");
  }
}
