package io.hotclone.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * Follows a clone operation until it is terminal: over its Server-Sent Events stream, printing
 * each phase as it is reached with a progress bar (text) or the final operation (JSON); if the
 * stream cannot be read or ends early, by polling the operation. The result is the exit code:
 * {@link ExitCodes#OK} when COMPLETED, {@link ExitCodes#CLONE_FAILED} when FAILED, {@link
 * ExitCodes#UNAVAILABLE} on timeout.
 */
final class Follow {

  /** The phases of a successful clone, in order: the progress bar's steps. */
  static final List<String> PHASES = List.of(
      "REQUESTED", "STORAGE_FROZEN", "MEMORY_FROZEN", "STATE_COPIED", "MEMORY_UNFROZEN", "STORAGE_UNFROZEN",
      "CONFIGURED", "COMPLETED");
  private static final Duration POLL = Duration.ofMillis(250);
  private final ApiClient api;
  private final Output output;
  private final Duration timeout;
  private String last;

  Follow(ApiClient api, Output output, Duration timeout) {
    this.api = api;
    this.output = output;
    this.timeout = timeout;
  }

  /** Follows operation {@code id} (whose phase was {@code shown} already, or null) until it ends. */
  int until(String id, String shown) {
    Instant deadline = Instant.now().plus(timeout);
    last = shown;
    CompletableFuture<Void> streamed = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        api.stream("/api/v1/clones/" + ApiClient.segment(id) + "/events", e -> {
          show(id, e.event());
          return !terminal(e.event());
        });
      } catch (RuntimeException e) {
        // not readable as a stream: polling below finds the state
      } finally {
        streamed.complete(null);
      }
    }, "hotclone-events");
    reader.setDaemon(true);
    reader.start();
    try {
      streamed.get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(ExitCodes.UNAVAILABLE, "clone " + id + " still " + last + " after " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ExitCodes.UNAVAILABLE, "interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      // cannot happen: completed with null only
    }
    while (true) {
      JsonNode op = api.get("/api/v1/clones/" + ApiClient.segment(id));
      String phase = op.path("phase").asString();
      show(id, phase);
      if (op.path("terminal").asBoolean() || terminal(phase)) {
        return end(op, phase);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new ApiException(ExitCodes.UNAVAILABLE, "clone " + id + " still " + phase + " after " + timeout);
      }
      sleep();
    }
  }

  private static boolean terminal(String phase) {
    return "COMPLETED".equals(phase) || "FAILED".equals(phase);
  }

  /** Prints {@code phase} once, with the bar of the phases reached so far. */
  private synchronized void show(String id, String phase) {
    if (phase == null || phase.isEmpty() || phase.equals(last)) {
      return;
    }
    last = phase;
    output.line(id + "\t" + phase + bar(phase));
  }

  /** {@code \t[####----] 4/8} for a phase of a successful clone; empty for FAILED. */
  static String bar(String phase) {
    int at = PHASES.indexOf(phase);
    if (at < 0) {
      return "";
    }
    int done = at + 1;
    return "\t[" + "#".repeat(done) + "-".repeat(PHASES.size() - done) + "] " + done + "/" + PHASES.size();
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
      for (JsonNode f : op.path("failedClones")) {
        output.line("  failed clone " + f.path("index").asInt() + " on " + f.path("host").asString() + " at "
            + f.path("step").asString() + ": " + f.path("reason").asString());
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
