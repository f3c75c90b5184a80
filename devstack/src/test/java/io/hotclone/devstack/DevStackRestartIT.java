package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Restarting devstack on its kept data directory: PostgreSQL keeps the history, the embedded
 * hypervisor starts empty, and the read models say so — VMs that no longer run are GONE, the new
 * demo VM runs, and a clone of it completes.
 */
class DevStackRestartIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void restartMarksVanishedVmsGoneAndKeepsWorking() throws Exception {
    Path data = Files.createTempDirectory("hotclone-restart");
    String firstDemo;
    String firstClone;
    try (DevStack first = DevStack.start(DevStackSettings.forTests(data, Map.of()))) {
      firstDemo = DevStack.ensureDemoVm(first.hypervisor()).id().value();
      JsonNode op = cloneAndWait(first, firstDemo);
      assertThat(op.path("phase").asString()).isEqualTo("COMPLETED");
      firstClone = op.path("clones").get(0).path("vmId").asString();
    }
    try (DevStack second = DevStack.start(DevStackSettings.forTests(data, Map.of()))) {
      assertThat(get(second, "/api/v1/vms/" + firstDemo).path("state").asString()).isEqualTo("GONE");
      assertThat(get(second, "/api/v1/vms/" + firstClone).path("state").asString()).isEqualTo("GONE");
      String demo = DevStack.ensureDemoVm(second.hypervisor()).id().value();
      assertThat(demo).isNotEqualTo(firstDemo);
      assertThat(get(second, "/api/v1/vms/" + demo).path("state").asString()).isEqualTo("RUNNING");
      JsonNode op = cloneAndWait(second, demo);
      assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
      assertThat(get(second, "/api/v1/clones?sourceVm=" + firstDemo).size())
          .as("history of the first run kept").isEqualTo(1);
    }
  }

  private static JsonNode cloneAndWait(DevStack stack, String source) throws Exception {
    HttpResponse<String> r = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + stack.apiPort() + "/api/v1/clones"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = TestStack.JSON.readTree(r.body()).path("id").asString();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    JsonNode op = get(stack, "/api/v1/clones/" + id);
    while (!op.path("terminal").asBoolean() && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      op = get(stack, "/api/v1/clones/" + id);
    }
    return op;
  }

  private static JsonNode get(DevStack stack, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + stack.apiPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return TestStack.JSON.readTree(r.body());
  }
}
