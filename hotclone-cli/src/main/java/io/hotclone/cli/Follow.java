package io.hotclone.cli;

import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * Follows a clone operation by polling its status until it is terminal, printing each new phase
 * (text) or the final operation (JSON). The result is the exit code: {@link ExitCodes#OK} when
 * COMPLETED, {@link ExitCodes#CLONE_FAILED} when FAILED, {@link ExitCodes#UNAVAILABLE} on timeout.
 */
final class Follow {

  private static final Duration POLL = Duration.ofMillis(250);
  private final ApiClient api;
  private final Output output;
  private final Duration timeout;

  Follow(ApiClient api, Output output, Duration timeout) {
    this.api = api;
    this.output = output;
    this.timeout = timeout;
  }

  /** Polls operation {@code id} (whose phase was {@code shown} already, or null) until it ends. */
  int until(String id, String shown) {
    Instant deadline = Instant.now().plus(timeout);
    String last = shown;
    while (true) {
      JsonNode op = api.get("/api/v1/clones/" + ApiClient.segment(id));
      String phase = op.path("phase").asString();
      if (!phase.equals(last)) {
        output.line(id + "\t" + phase);
        last = phase;
      }
      if (op.path("terminal").asBoolean() || "COMPLETED".equals(phase) || "FAILED".equals(phase)) {
        return end(op, phase);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new ApiException(ExitCodes.UNAVAILABLE, "clone " + id + " still " + phase + " after " + timeout);
      }
      sleep();
    }
  }

  private int end(JsonNode op, String phase) {
    if (output.json()) {
      output.json(op);
    }
    if ("COMPLETED".equals(phase)) {
      for (JsonNode clone : op.path("clones")) {
        output.line("  " + clone.path("vmId").asString() + "\t" + clone.path("name").asString()
            + "\t" + clone.path("host").asString() + "\t" + clone.path("ip").asString("-"));
      }
      return ExitCodes.OK;
    }
    output.line("  failed at " + op.path("failedStep").asString("-") + ": " + op.path("failureReason").asString("-"));
    return ExitCodes.CLONE_FAILED;
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ExitCodes.UNAVAILABLE, "interrupted");
    }
  }
}
