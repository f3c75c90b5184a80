package io.hotclone.devstack;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Failure injection for a clone whose id the test learns only once it is requested (through the
 * CLI, the portal or a helper that requests and waits): the failure is armed for that clone's id
 * ({@link io.hotclone.hypervisor.embedded.EmbeddedHypervisor#failNextOperation}), so no other
 * clone's call of the step fails, and none later if it is never used.
 */
final class InjectedFailures {

  private InjectedFailures() {}

  /**
   * Makes {@code step} of the clone requested next fail with {@code reason}. The step is held
   * ({@link TestStack#holdNextOperationOfTheNextClone}, once no clone operation is in flight); on a
   * thread of its own this waits for the clone operation requested next, arms the failure for its
   * saga's clone id and lets the held step go (also if it found none: the test then fails on what
   * it asserts, and nothing stays held).
   */
  static void failNextOperationOfTheNextClone(String step, String reason) {
    Runnable gate = TestStack.holdNextOperationOfTheNextClone(step);
    Thread armer = new Thread(() -> {
      try {
        TestStack.hypervisor().failNextOperation(theCloneRequestedNext(), step, reason);
      } finally {
        gate.run();
      }
    }, "fail-" + step + "-of-the-next-clone");
    armer.setDaemon(true);
    armer.start();
  }

  /** The saga clone id of the one clone operation in flight, once there is one. */
  private static UUID theCloneRequestedNext() {
    AtomicReference<List<UUID>> inFlight = new AtomicReference<>();
    TestStack.await("a clone operation to be requested", Duration.ofSeconds(60), () -> {
      inFlight.set(TestStack.schema("api").queryForList(
          "SELECT saga_id FROM clone_operations WHERE phase NOT IN ('COMPLETED', 'FAILED') AND saga_id IS NOT NULL",
          UUID.class));
      return !inFlight.get().isEmpty();
    });
    if (inFlight.get().size() != 1) {
      throw new AssertionError("expected the one clone requested next, found " + inFlight.get());
    }
    return inFlight.get().get(0);
  }
}
