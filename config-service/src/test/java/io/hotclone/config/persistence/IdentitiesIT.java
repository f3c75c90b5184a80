package io.hotclone.config.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.config.domain.IdentityDerivation;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmIdentity;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * I5 where it is enforced: config-service's partial unique indexes on a real PostgreSQL server,
 * migrated by the service's own Flyway scripts. Concurrent allocations of one name, MAC or IP leave
 * exactly one live holder; the loser gets a conflict it can name.
 */
class IdentitiesIT {

  private static EmbeddedPostgres postgres;
  private static DriverManagerDataSource dataSource;
  private static JdbcTemplate jdbc;
  private static Identities identities;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    String url = postgres.getJdbcUrl("postgres", "postgres") + "&currentSchema=config";
    dataSource = new DriverManagerDataSource(url, "postgres", "postgres");
    Flyway.configure()
        .dataSource(dataSource)
        .schemas("config")
        .defaultSchema("config")
        .createSchemas(true)
        .locations("classpath:db/support", "classpath:db/config-service")
        .load()
        .migrate();
    jdbc = new JdbcTemplate(dataSource);
    identities = new Identities(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void empty() {
    jdbc.update("DELETE FROM identities");
  }

  @Test
  void twoConcurrentAllocationsOfOneNameOneWinsTheOtherGetsAConflict() throws Exception {
    String name = "web-" + UUID.randomUUID().toString().substring(0, 8);
    List<Object> outcomes = concurrently(
        () -> identities.allocate(UUID.randomUUID(), 0, "golden", name),
        () -> identities.allocate(UUID.randomUUID(), 0, "golden", name));

    assertThat(outcomes).filteredOn(VmIdentity.class::isInstance).as("winners %s", outcomes).hasSize(1);
    assertThat(outcomes).filteredOn(HypervisorException.IdentityConflict.class::isInstance)
        .singleElement()
        .extracting(o -> ((Throwable) o).getMessage())
        .isEqualTo("name '" + name + "' is in use by a live VM");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM identities WHERE name = ? AND live", Integer.class, name))
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mac", "ip", "uuid"})
  void twoConcurrentTransactionsTakingOneValueOneCommitsTheOtherIsRefused(String column) throws Exception {
    String shared = switch (column) {
      case "mac" -> "52:54:00:aa:bb:cc";
      case "ip" -> "10.77.9.9";
      default -> UUID.randomUUID().toString();
    };
    List<Object> outcomes = concurrently(
        () -> insertHolding(column, shared, "first"),
        () -> insertHolding(column, shared, "second"));

    assertThat(outcomes).filteredOn("committed"::equals).as("outcomes %s", outcomes).hasSize(1);
    assertThat(outcomes).filteredOn(DuplicateKeyException.class::isInstance)
        .singleElement()
        .extracting(o -> ((Throwable) o).getMessage())
        .asString()
        .contains("identities_live_" + column);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM identities WHERE live AND " + column + "::text = ?",
            Integer.class, shared))
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mac", "ip"})
  void allocationStepsAroundAValueThatALiveVmHolds(String column) {
    UUID cloneId = UUID.randomUUID();
    long nextIp = jdbc.queryForObject(
        "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM ip_host_seq", Long.class);
    VmIdentity firstChoice = IdentityDerivation.derive("golden", null, cloneId, 0, 0, nextIp);
    insert(UUID.randomUUID(), "holder", UUID.randomUUID(),
        column.equals("mac") ? firstChoice.mac() : "52:54:00:ff:ff:ff",
        column.equals("ip") ? firstChoice.ip() : "10.77.255.255");

    VmIdentity got = identities.allocate(cloneId, 0, "golden", null);

    assertThat(column.equals("mac") ? got.mac() : got.ip()).as("allocated " + column)
        .isNotEqualTo(column.equals("mac") ? firstChoice.mac() : firstChoice.ip());
    assertThat(got.name()).as("a later attempt").endsWith("-1");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM identities WHERE live", Integer.class)).isEqualTo(2);
  }

  @Test
  void aRetiredIdentityFreesItsNameForTheNextVm() {
    String name = "reused-" + UUID.randomUUID().toString().substring(0, 8);
    identities.allocate(UUID.randomUUID(), 0, "golden", name);
    assertThatThrownBy(() -> identities.allocate(UUID.randomUUID(), 0, "golden", name))
        .isInstanceOf(HypervisorException.IdentityConflict.class);
    jdbc.update("UPDATE identities SET live = FALSE WHERE name = ?", name);

    assertThat(identities.allocate(UUID.randomUUID(), 0, "golden", name).name()).isEqualTo(name);
  }

  /**
   * Inserts a live identity whose {@code column} is {@code value}, in a transaction that stays open
   * long enough for the other one to insert too: the second insert waits on the unique index and is
   * refused once the first commits.
   */
  private static String insertHolding(String column, String value, String name) {
    new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(s -> {
      UUID uuid = column.equals("uuid") ? UUID.fromString(value) : UUID.randomUUID();
      String mac = column.equals("mac") ? value : "52:54:00:00:00:" + (name.equals("first") ? "01" : "02");
      String ip = column.equals("ip") ? value : "10.77.1." + (name.equals("first") ? "1" : "2");
      insert(UUID.randomUUID(), name + "-" + UUID.randomUUID(), uuid, mac, ip);
      sleep(300); // both inserts are in flight before either commits
    });
    return "committed";
  }

  private static void insert(UUID cloneId, String name, UUID uuid, String mac, String ip) {
    jdbc.update("INSERT INTO identities (clone_id, clone_index, name, uuid, mac, ip, hostname, smbios_serial,"
        + " generation_id) VALUES (?, 0, ?, ?, ?, ?, ?, 'HC-TEST', ?)", cloneId, name, uuid, mac, ip, name,
        UUID.randomUUID());
  }

  /** Runs both at once (released together by a barrier); each outcome is a result or the exception. */
  private static List<Object> concurrently(java.util.concurrent.Callable<?> a, java.util.concurrent.Callable<?> b)
      throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Object>> futures = new ArrayList<>();
      for (java.util.concurrent.Callable<?> task : List.of(a, b)) {
        futures.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          try {
            return task.call();
          } catch (RuntimeException e) {
            return e;
          }
        }));
      }
      List<Object> outcomes = new ArrayList<>();
      for (Future<Object> f : futures) {
        outcomes.add(f.get(30, TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
