package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Restarting devstack on its kept data directory: PostgreSQL keeps the history, the embedded
 * hypervisor starts empty, and the read models say so — VMs that no longer run are GONE, the new
 * demo VM runs, and a clone of it completes.
 */
class DevStackRestartIT {

  /** The data directory of the stack (or broker) the test started, deleted after it. */
  private Path data;

  @AfterEach
  void deleteData() {
    TestDirs.delete(data);
  }

  @Test
  void restartMarksVanishedVmsGoneAndKeepsWorking() throws Exception {
    data = TestDirs.create("hotclone-restart");
    String firstDemo;
    String firstClone;
    try (DevStack first = DevStack.start(DevStackSettings.forTests(data, Map.of()))) {
      TestStack.register(first);
      firstDemo = DevStack.ensureDemoVm(first.hypervisor()).id().value();
      JsonNode op = cloneAndWait(first, firstDemo);
      assertThat(op.path("phase").asString()).isEqualTo("COMPLETED");
      firstClone = op.path("clones").get(0).path("vmId").asString();
    }
    try (DevStack second = DevStack.start(DevStackSettings.forTests(data, Map.of()))) {
      TestStack.register(second);
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

  private static JsonNode cloneAndWait(DevStack stack, String source) {
    return TestStack.cloneAndWait(stack.apiPort(),
        "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}", Duration.ofSeconds(60));
  }

  private static JsonNode get(DevStack stack, String path) {
    return TestStack.send(stack.apiPort(), "GET", path, null, Map.of()).body();
  }
}
