package io.hotclone.hypervisor;

import java.util.Objects;
import java.util.UUID;

/**
 * Identifies one effect: the clone operation plus the step (and clone index where a step happens
 * once per clone, e.g. {@code copy-2}). A driver given an id it has already completed returns the
 * first result and does nothing again. All freezes of one clone operation share its {@code cloneId}:
 * the memory freeze, the copy and the thaws find the freeze by it.
 */
public record OperationId(UUID cloneId, String step) {
  public OperationId {
    Objects.requireNonNull(cloneId, "cloneId");
    Objects.requireNonNull(step, "step");
  }

  public static OperationId of(UUID cloneId, String step) {
    return new OperationId(cloneId, step);
  }

  public static OperationId of(UUID cloneId, String step, int index) {
    return new OperationId(cloneId, step + "-" + index);
  }

  /** A short deterministic name usable in file and domain names. */
  public String fileSafe() {
    return cloneId + "-" + step.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  @Override
  public String toString() {
    return cloneId + "/" + step;
  }
}
