package io.hotclone.config.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.config.domain.IdentityDerivation;
import io.hotclone.config.domain.IpPool;
import io.hotclone.support.messaging.StepFailure;
import io.hotclone.hypervisor.VmIdentity;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
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

  private static final IpPool POOL = IpPool.of("default", "10.77.0.0/16", "10.77.0.1", List.of());

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
    identities = new JdbcIdentities(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
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
        () -> identities.allocate(UUID.randomUUID(), 0, "golden", name, POOL),
        () -> identities.allocate(UUID.randomUUID(), 0, "golden", name, POOL));

    assertThat(outcomes).filteredOn(VmIdentity.class::isInstance).as("winners %s", outcomes).hasSize(1);
    assertThat(outcomes).filteredOn(StepFailure.IdentityConflict.class::isInstance)
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

  @Test
  void aMacThatALiveVmHoldsMakesTheNextAttemptDeriveEveryField() {
    UUID cloneId = UUID.randomUUID();
    VmIdentity firstChoice = IdentityDerivation.derive("golden", null, cloneId, 0, 0, "10.77.0.2", 16, "10.77.0.1");
    insert(UUID.randomUUID(), "holder", UUID.randomUUID(), firstChoice.mac(), "10.99.0.1");

    VmIdentity got = identities.allocate(cloneId, 0, "golden", null, POOL);

    assertThat(got.mac()).isNotEqualTo(firstChoice.mac());
    assertThat(got.name()).as("a later attempt").endsWith("-1");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM identities WHERE live", Integer.class)).isEqualTo(2);
  }

  @Test
  void addressesComeLowestFreeFromThePoolSkippingGatewayExclusionsAndLiveHolders() {
    IpPool pool = IpPool.of("host-x", "10.88.0.0/29", "10.88.0.1", List.of("10.88.0.3"));
    insert(UUID.randomUUID(), "holder", UUID.randomUUID(), "52:54:00:ff:ff:01", "10.88.0.2");

    VmIdentity a = identities.allocate(UUID.randomUUID(), 0, "golden", null, pool);
    VmIdentity b = identities.allocate(UUID.randomUUID(), 0, "golden", null, pool);

    assertThat(a.ip()).isEqualTo("10.88.0.4");
    assertThat(b.ip()).isEqualTo("10.88.0.5");
    assertThat(a.prefixLength()).isEqualTo(29);
    assertThat(a.gateway()).isEqualTo("10.88.0.1");
    assertThat(a.name()).as("no retry was needed").doesNotEndWith("-1");
    assertThat(jdbc.queryForObject("SELECT network FROM identities WHERE ip = ?", String.class, "10.88.0.4")).isEqualTo("host-x");
  }

  @Test
  void anExhaustedPoolIsAConflictThatSaysSoAndAllocatesNothing() {
    IpPool pool = IpPool.of("host-x", "10.88.1.0/30", "10.88.1.1", List.of());
    UUID first = UUID.randomUUID();
    assertThat(identities.allocate(first, 0, "golden", null, pool).ip()).isEqualTo("10.88.1.2");
    UUID second = UUID.randomUUID();
    assertThatThrownBy(() -> identities.allocate(second, 0, "golden", null, pool))
        .isInstanceOf(StepFailure.IdentityConflict.class)
        .hasMessage("IP pool host-x (10.88.1.0/30) is exhausted: all 1 of its addresses are held by live VMs");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM identities WHERE clone_id = ?", Integer.class, second)).isZero();

    identities.retire(first); // scale-in frees the address
    assertThat(identities.allocate(second, 0, "golden", null, pool).ip()).isEqualTo("10.88.1.2");
  }

  @Test
  void concurrentAllocationsFromOnePoolGetDistinctAddresses() throws Exception {
    IpPool pool = IpPool.of("host-y", "10.88.2.0/24", "10.88.2.1", List.of());
    List<Object> outcomes = concurrently(
        () -> identities.allocate(UUID.randomUUID(), 0, "golden", null, pool),
        () -> identities.allocate(UUID.randomUUID(), 0, "golden", null, pool));
    assertThat(outcomes).allMatch(VmIdentity.class::isInstance);
    assertThat(outcomes.stream().map(o -> ((VmIdentity) o).ip()).distinct()).hasSize(2);
  }

  @Test
  void aRetiredIdentityFreesItsNameForTheNextVm() {
    String name = "reused-" + UUID.randomUUID().toString().substring(0, 8);
    identities.allocate(UUID.randomUUID(), 0, "golden", name, POOL);
    assertThatThrownBy(() -> identities.allocate(UUID.randomUUID(), 0, "golden", name, POOL))
        .isInstanceOf(StepFailure.IdentityConflict.class);
    jdbc.update("UPDATE identities SET live = FALSE WHERE name = ?", name);

    assertThat(identities.allocate(UUID.randomUUID(), 0, "golden", name, POOL).name()).isEqualTo(name);
  }

  /**
   * Inserts a live identity whose {@code column} is {@code value}, in a transaction that stays open
   * until the other one is inserting too: the first insert in holds its transaction until the
   * server shows the second waiting on it (the unique index), and the second is refused once the
   * first commits. Run one after the other, the first never sees the second wait and fails.
   */
  private static String insertHolding(String column, String value, String name) {
    new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(s -> {
      UUID uuid = column.equals("uuid") ? UUID.fromString(value) : UUID.randomUUID();
      String mac = column.equals("mac") ? value : "52:54:00:00:00:" + (name.equals("first") ? "01" : "02");
      String ip = column.equals("ip") ? value : "10.77.1." + (name.equals("first") ? "1" : "2");
      insert(UUID.randomUUID(), name + "-" + UUID.randomUUID(), uuid, mac, ip);
      // both inserts are in flight before either commits: another backend waits on this one
      awaitBlocking("the other insert to wait for " + name + "'s transaction", Duration.ofSeconds(10));
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

  /**
   * Waits, in the caller's transaction, until another backend waits for a lock this one holds
   * ({@code pg_locks}, read live; {@code pg_stat_activity} would be a snapshot taken once per
   * transaction); fails with {@code what} after {@code timeout}.
   */
  private static void awaitBlocking(String what, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))",
        Integer.class) == 0) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
