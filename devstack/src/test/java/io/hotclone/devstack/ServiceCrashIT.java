package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.JsonNode;

/**
 * A service dies while the source is frozen (I4): with memory-service down, the storage freeze of a
 * new clone is never followed up; its lease expires, the watchdog thaws the source and the clone
 * ends FAILED with the reason. Runs on a devstack of its own, since it stops one of its services.
 */
class ServiceCrashIT {

  @Test
  void memoryServiceDownWhileStorageIsFrozenEndsFailedWithTheSourceThawed() throws Exception {
    Path data = Files.createTempDirectory("hotclone-crash");
    try (DevStack stack = DevStack.start(DevStackSettings.forTests(data, Map.of("hotclone.lease.check-interval", "200")))) {
      String source = DevStack.ensureDemoVm(stack.hypervisor()).id().value();
      stack.services().get(1).close(); // memory-service

      JsonNode op = TestStack.cloneAndWait(stack.apiPort(),
          "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1,\"leaseMillis\":2000}",
          Duration.ofSeconds(30));

      assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("FAILED");
      assertThat(op.path("failedStep").asString()).isEqualTo("freeze-storage");
      assertThat(op.path("failureReason").asString()).contains("lease expired");
      UUID cloneId = UUID.fromString(op.path("id").asString());
      try (SingleConnectionDataSource ds = new SingleConnectionDataSource(
          stack.jdbcUrl() + "?currentSchema=storage", "postgres", "postgres", true)) {
        assertThat(new JdbcTemplate(ds).queryForObject(
                "SELECT state FROM freeze_leases WHERE clone_id = ?", String.class, cloneId))
            .isEqualTo("RELEASED");
      }
      EmbeddedHypervisor h = (EmbeddedHypervisor) stack.hypervisor();
      VmId vm = new VmId(source);
      long before = h.requireVm(vm).guest().counter();
      TestStack.await("source to keep running", Duration.ofSeconds(10), () -> h.requireVm(vm).guest().counter() > before + 5);
      h.pauseGuest(vm);
      try {
        assertThat(h.verifyGuest(vm).mismatches()).as("source lost writes").isEmpty();
      } finally {
        h.resumeGuest(vm);
      }
    }
  }
}
