package io.hotclone.config.messaging;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.FailedClone;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.support.messaging.StepFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The clones of one configure step that failed on their own. Without {@code partial} a failure is
 * rethrown (the step fails, all or nothing); with it, the clone is listed and the others go on,
 * unless none is left ({@link #requireOneLeft}: then the step fails as without {@code partial}).
 * The clones whose copy failed (listed by transfer-service) count as failed from the start.
 */
final class PartialFailures {
  private final ClonePlan plan;
  private final Map<Integer, FailedClone> failed = new TreeMap<>();

  PartialFailures(ClonePlan plan) {
    this(plan, List.of());
  }

  /** @param earlier clones that failed before this step (their copy failed): never configured */
  PartialFailures(ClonePlan plan, List<FailedClone> earlier) {
    this.plan = plan;
    earlier.forEach(f -> failed.put(f.index(), f));
  }

  /** Whether clone {@code index} failed already (before this step or in it). */
  boolean hasFailed(int index) {
    return failed.containsKey(index);
  }

  void configureFailed(int index, RuntimeException e) {
    record(index, "configure", e);
  }

  void startFailed(int index, RuntimeException e) {
    record(index, "start", e);
  }

  private void record(int index, String step, RuntimeException e) {
    if (!plan.partial()) {
      throw e;
    }
    failed.put(index, new FailedClone(index, plan.hostFor(index), step, String.valueOf(e.getMessage())));
  }

  /** The indexes not failed so far, in order. */
  List<Integer> remaining() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < plan.count(); i++) {
      if (!failed.containsKey(i)) {
        out.add(i);
      }
    }
    return out;
  }

  /** Fails the step when every clone failed (the failed clones are removed already). */
  void requireOneLeft() {
    if (failed.size() == plan.count()) {
      throw new StepFailure.Hypervisor(new HypervisorException.DriverFailure(
          "every clone failed: " + failed.values().stream().map(f -> f.index() + " " + f.step() + ": " + f.reason()).toList(),
          null));
    }
  }

  List<FailedClone> list() {
    return List.copyOf(failed.values());
  }
}
