package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.JsonNode;

/**
 * A service dies while the source is frozen (I4): the next step never comes, the leases expire, the
 * watchdogs thaw the source and the clone ends FAILED with the reason. Each case runs on a devstack
 * of its own, since it stops one of its services.
 */
class ServiceCrashIT {

  /** The data directory of the stack (or broker) the test started, deleted after it. */
  private Path data;

  @AfterEach
  void deleteData() {
    TestDirs.delete(data);
  }

  @Test
  void transferServiceDownWhileMemoryIsFrozenEndsFailedWithTheSourceThawed() throws Exception {
    data = TestDirs.create("hotclone-crash");
    try (DevStack stack = DevStack.start(DevStackSettings.forTests(data, Map.of("hotclone.lease.check-interval", "200")))) {
      TestStack.register(stack);
      EmbeddedHypervisor h = (EmbeddedHypervisor) stack.hypervisor();
      String source = DevStack.ensureDemoVm(h).id().value();
      VmId vm = new VmId(source);
      stack.services().get(2).close(); // transfer-service

      String id = TestStack.requestClone(stack.apiPort(),
          "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1,\"leaseMillis\":2000}");
      // the crash window: storage and memory frozen, nobody to copy
      TestStack.await("source memory to freeze", Duration.ofSeconds(10), () -> h.isMemoryFrozen(vm, "ram"));
      assertThat(h.isStorageFrozen(vm)).isTrue();
      JsonNode op = TestStack.awaitEnd(stack.apiPort(), id, Duration.ofSeconds(30));

      assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("FAILED");
      assertThat(op.path("failedStep").asString()).isIn("freeze-storage", "freeze-memory");
      assertThat(op.path("failureReason").asString()).contains("lease expired");
      UUID cloneId = UUID.fromString(id);
      assertThat(h.operationEffects(cloneId)).containsEntry("freeze-memory", 1).doesNotContainKey("copy-0");
      SagaFailuresIT.assertSourceThawed(h, schema -> schema(stack, schema), cloneId, source);
    }
  }

  @Test
  void memoryServiceDownWhileStorageIsFrozenEndsFailedWithTheSourceThawed() throws Exception {
    data = TestDirs.create("hotclone-crash");
    try (DevStack stack = DevStack.start(DevStackSettings.forTests(data, Map.of("hotclone.lease.check-interval", "200")))) {
      TestStack.register(stack);
      EmbeddedHypervisor h = (EmbeddedHypervisor) stack.hypervisor();
      String source = DevStack.ensureDemoVm(h).id().value();
      VmId vm = new VmId(source);
      stack.services().get(1).close(); // memory-service

      String id = TestStack.requestClone(stack.apiPort(),
          "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1,\"leaseMillis\":2000}");
      TestStack.await("source storage to freeze", Duration.ofSeconds(10), () -> h.isStorageFrozen(vm));
      JsonNode op = TestStack.awaitEnd(stack.apiPort(), id, Duration.ofSeconds(30));

      assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("FAILED");
      assertThat(op.path("failedStep").asString()).isEqualTo("freeze-storage");
      assertThat(op.path("failureReason").asString()).contains("lease expired");
      UUID cloneId = UUID.fromString(id);
      assertThat(schema(stack, "storage").queryForObject(
              "SELECT state FROM freeze_leases WHERE clone_id = ?", String.class, cloneId))
          .isEqualTo("RELEASED");
      SagaFailuresIT.assertSourceThawed(h, schema -> schema(stack, schema), cloneId, source);
    }
  }

  private final Map<String, SingleConnectionDataSource> connections = new java.util.HashMap<>();

  /** One connection per schema for the test, closed after it. */
  private JdbcTemplate schema(DevStack stack, String schema) {
    return new JdbcTemplate(connections.computeIfAbsent(schema, s ->
        new SingleConnectionDataSource(stack.jdbcUrl() + "?currentSchema=" + s, "postgres", "postgres", true)));
  }

  @org.junit.jupiter.api.AfterEach
  void closeConnections() {
    connections.values().forEach(SingleConnectionDataSource::destroy);
    connections.clear();
  }
}
