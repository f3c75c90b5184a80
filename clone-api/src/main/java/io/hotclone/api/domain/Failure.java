package io.hotclone.api.domain;

import java.util.Objects;

/**
 * Why an operation failed: the step that failed (e.g. {@code freeze-memory}) and a human-readable
 * reason.
 */
public record Failure(String step, String reason) {
  public Failure {
    step = step == null || step.isBlank() ? "unknown" : step;
    reason = Objects.requireNonNullElse(reason, "");
  }
}
