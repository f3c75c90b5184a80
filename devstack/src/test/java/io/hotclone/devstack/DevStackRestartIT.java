package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.VmId;
import io.hotclone.support.hypervisor.HypervisorConfiguration.HypervisorFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
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

  /**
   * Pools survive restarts of every process: with the hosts (and the VMs on them) kept, PostgreSQL,
   * Kafka and all five services stop and start again on the same data directory; the clone that was
   * ready before is the one a claim hands out after, and the reconciler of the new processes refills
   * the pool (a refill requested after the restart).
   */
  @Test
  void aPoolSurvivesARestartOfEveryProcessItsReadyCloneIsClaimedAndTheReconcilerRefills() throws Exception {
    data = TestDirs.create("hotclone-restart-pool");
    Map<String, Object> fast = Map.of("hotclone.api.pool-reconcile-interval", "PT0.2S");
    DevStackSettings settings = DevStackSettings.forTests(data, fast);
    try (Hypervisor hosts = HypervisorFactory.create(settings.hypervisor())) {
      String readyBefore;
      java.time.Instant restartedAt;
      try (DevStack first = DevStack.start(settings, hosts)) {
        TestStack.register(first);
        String demo = DevStack.ensureDemoVm(hosts).id().value();
        TestStack.Response created = TestStack.send(first.apiPort(), "POST", "/api/v1/pools",
            "{\"name\":\"kept\",\"sourceVm\":\"" + demo + "\",\"minReady\":1,\"maxSize\":1}", Map.of());
        assertThat(created.status()).as("%s", created.text()).isEqualTo(201);
        TestStack.await("pool kept ready 1", Duration.ofSeconds(30),
            () -> get(first, "/api/v1/pools/kept").path("ready").asInt() == 1);
        readyBefore = sql(first).queryForObject("SELECT vm_id FROM pool_members WHERE state = 'READY'", String.class);
        restartedAt = java.time.Instant.now();
      }
      try (DevStack second = DevStack.start(settings, hosts)) {
        TestStack.register(second);
        assertThat(get(second, "/api/v1/pools/kept").path("ready").asInt()).as("the ready clone still counted").isEqualTo(1);
        TestStack.Response claimed = TestStack.send(second.apiPort(), "POST", "/api/v1/pools/kept/claims", "{}", Map.of());
        assertThat(claimed.status()).as("%s", claimed.text()).isEqualTo(201);
        assertThat(claimed.body().path("id").asString()).as("the clone ready before the restart").isEqualTo(readyBefore);
        assertThat(hosts.findVm(new VmId(readyBefore)).orElseThrow().guestIdentity().linkUp()).isTrue();
        TestStack.await("the restarted reconciler to refill kept", Duration.ofSeconds(30), () -> {
          JsonNode pool = get(second, "/api/v1/pools/kept");
          return pool.path("ready").asInt() == 1 && pool.path("claimed").asInt() == 1;
        });
        java.sql.Timestamp refilled = sql(second).queryForObject(
            "SELECT max(requested_at) FROM pool_refills WHERE state = 'COMPLETED'", java.sql.Timestamp.class);
        assertThat(refilled.toInstant()).as("a refill of the new processes").isAfter(restartedAt);
        String readyAfter = sql(second).queryForObject("SELECT vm_id FROM pool_members WHERE state = 'READY'", String.class);
        assertThat(readyAfter).isNotEqualTo(readyBefore);
      }
    }
  }

  /** The clone-api schema of {@code stack} (one connection, closed with the template's data source). */
  private static JdbcTemplate sql(DevStack stack) {
    return new JdbcTemplate(new SingleConnectionDataSource(stack.jdbcUrl() + "?currentSchema=api", "postgres", "postgres", false));
  }

  private static JsonNode cloneAndWait(DevStack stack, String source) {
    return TestStack.cloneAndWait(stack.apiPort(),
        "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}", Duration.ofSeconds(60));
  }

  private static JsonNode get(DevStack stack, String path) {
    return TestStack.send(stack.apiPort(), "GET", path, null, Map.of()).body();
  }
}
