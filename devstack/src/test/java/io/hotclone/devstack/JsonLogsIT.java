package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Structured logs as an operator switches them on ({@code logging.structured.format.file=ecs} and
 * {@code logging.file.name}; the test stack sets both): the lines the services write to that file
 * while one clone is made are JSON objects in Elastic Common Schema, one per line, and the lines of
 * that clone's work carry its clone id and its trace id (the request's {@code X-Trace-Id}) as the
 * fields {@code cloneId} and {@code traceId}.
 */
class JsonLogsIT {

  @Test
  void theJsonLogLinesOfOneCloneNameItsTraceAndItsClone() {
    Path file = TestStack.logFile();
    long from = size(file); // the lines written before this test are other tests'
    Accepted clone = Accepted.post(demoVmId());
    assertThat(clone.traceId()).matches("[0-9a-f]{32}");
    JsonNode end = TestStack.awaitEnd(TestStack.get().apiPort(), clone.id(), Duration.ofSeconds(60));
    assertThat(end.path("phase").asString()).isEqualTo("COMPLETED");

    // clone-api logs each step of the saga, in the clone's trace, with the clone in the MDC
    TestStack.await("JSON log lines of clone " + clone.id() + " up to its completion", Duration.ofSeconds(20),
        () -> messages(ofClone(lines(file, from), clone.id())).stream().anyMatch(m -> m.contains("-> COMPLETED")));
    List<JsonNode> lines = lines(file, from);
    assertThat(lines).allSatisfy(line -> {
      assertThat(line.path("@timestamp").asString()).as("ECS @timestamp of %s", line).isNotEmpty();
      assertThat(line.path("ecs").path("version").asString()).as("ECS version of %s", line).isNotEmpty();
      assertThat(line.path("message").isString()).as("message of %s", line).isTrue();
      assertThat(line.path("service").path("name").asString()).as("service.name of %s", line).isEqualTo("devstack");
    });
    List<JsonNode> ofClone = ofClone(lines, clone.id());
    assertThat(messages(ofClone)).as("messages of the lines with cloneId %s", clone.id())
        .anyMatch(m -> m.endsWith("REQUESTED -> STORAGE_FROZEN on StorageFrozen"))
        .anyMatch(m -> m.endsWith("STORAGE_FROZEN -> MEMORY_FROZEN on MemoryFrozen"))
        .anyMatch(m -> m.endsWith("MEMORY_FROZEN -> STATE_COPIED on StateCopied"))
        .anyMatch(m -> m.endsWith("STATE_COPIED -> MEMORY_UNFROZEN on MemoryUnfrozen"))
        .anyMatch(m -> m.endsWith("MEMORY_UNFROZEN -> STORAGE_UNFROZEN on StorageUnfrozen"))
        .anyMatch(m -> m.endsWith("STORAGE_UNFROZEN -> COMPLETED on CloneConfigured"));
    assertThat(ofClone).allSatisfy(line -> {
      assertThat(line.path("traceId").asString()).as("traceId of %s", line).isEqualTo(clone.traceId());
      assertThat(line.path("log").path("logger").asString()).as("logger of %s", line).startsWith("io.hotclone.");
    });
  }

  private static List<String> messages(List<JsonNode> lines) {
    return lines.stream().map(l -> l.path("message").asString("")).toList();
  }

  private static List<JsonNode> ofClone(List<JsonNode> lines, String cloneId) {
    return lines.stream().filter(l -> cloneId.equals(l.path("cloneId").asString(""))).toList();
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The complete lines (ended by a newline) written to {@code file} after byte {@code from}, each
   * parsed as JSON; a line that is not a JSON object fails the test.
   */
  private static List<JsonNode> lines(Path file, long from) {
    byte[] bytes;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      bytes = new byte[(int) Math.max(0, f.length() - from)];
      f.seek(from);
      f.readFully(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<JsonNode> out = new ArrayList<>();
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = TestStack.JSON.readTree(line);
      assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
      out.add(node);
    }
    return out;
  }
}
