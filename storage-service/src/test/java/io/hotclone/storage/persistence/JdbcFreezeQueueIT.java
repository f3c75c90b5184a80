package io.hotclone.storage.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.support.lease.FreezeLeases;
import io.hotclone.support.lease.LeaseState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The storage freeze queue — what orders the sagas of one source when clone-api does not coalesce
 * waiting requests ({@code hotclone.api.coalesce-waiting-requests=false}) — on a real PostgreSQL
 * server, migrated by the service's own Flyway scripts: sagas of one source racing for its freeze
 * are admitted one at a time, the others queued, and the next one is handed over only once the
 * held freeze has ended.
 */
class JdbcFreezeQueueIT {

  /** Sagas released together per round; without the advisory lock two or more are admitted in most rounds. */
  private static final int SAGAS = 8;
  private static final int ROUNDS = 25;
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant LEASE_UNTIL = Instant.parse("2100-01-01T00:00:00Z");
  private static final EventCodec CODEC = new EventCodec();

  private static EmbeddedPostgres postgres;
  private static HikariDataSource dataSource;
  private static JdbcTemplate jdbc;
  private static FreezeLeases leases;
  private static JdbcFreezeQueue queue;
  private static ExecutorService threads;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres") + "&currentSchema=storage");
    dataSource.setUsername("postgres");
    dataSource.setPassword("postgres");
    // a connection per racing saga, opened before the race: the barrier releases them together
    dataSource.setMaximumPoolSize(SAGAS);
    dataSource.setMinimumIdle(SAGAS);
    Flyway.configure()
        .dataSource(dataSource)
        .schemas("storage")
        .defaultSchema("storage")
        .createSchemas(true)
        .locations("classpath:db/support", "classpath:db/storage-service")
        .load()
        .migrate();
    jdbc = new JdbcTemplate(dataSource);
    leases = new FreezeLeases(jdbc, CODEC);
    queue = new JdbcFreezeQueue(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)), leases);
    threads = Executors.newFixedThreadPool(SAGAS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (threads != null) {
      threads.shutdownNow();
    }
    if (dataSource != null) {
      dataSource.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void sagasOfOneSourceRacingForItsFreezeAreAdmittedOneAtATime() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String vm = "vm-race-" + round + "-" + UUID.randomUUID();
      List<UUID> sagas = Stream.generate(UUID::randomUUID).limit(SAGAS).toList();
      CyclicBarrier together = new CyclicBarrier(SAGAS);
      List<Future<Boolean>> outcomes = new ArrayList<>();
      for (UUID saga : sagas) {
        outcomes.add(threads.submit(() -> {
          together.await(10, TimeUnit.SECONDS);
          return admitOrQueue(saga, vm);
        }));
      }
      List<UUID> admitted = new ArrayList<>();
      List<UUID> waiting = new ArrayList<>();
      for (int i = 0; i < SAGAS; i++) {
        (outcomes.get(i).get(30, TimeUnit.SECONDS) ? admitted : waiting).add(sagas.get(i));
      }

      assertThat(admitted).as("round %d: sagas of one source admitted to freeze it at once", round).hasSize(1);
      assertThat(heldLeases(vm)).as("round %d: held freeze leases of %s", round, vm).containsExactlyElementsOf(admitted);
      assertThat(queued(vm)).as("round %d: sagas queued for %s", round, vm).containsExactlyInAnyOrderElementsOf(waiting);
    }
  }

  @Test
  void theNextSagaIsHandedOverOnlyOnceTheHeldFreezeHasEnded() {
    String vm = "vm-turns-" + UUID.randomUUID();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    UUID third = UUID.randomUUID();

    assertThat(admitOrQueue(first, vm)).as("the first saga of an idle source").isTrue();
    assertThat(admitOrQueue(second, vm)).as("a saga while the first holds the freeze").isFalse();
    assertThat(admitOrQueue(third, vm)).isFalse();
    assertThat(admitOrQueue(second, vm)).as("a redelivered request while it waits").isFalse();
    assertThat(queued(vm)).as("queued in request order, a repeat once").containsExactly(second, third);
    assertThat(queue.next(vm)).as("handed over while the first saga holds the freeze").isEmpty();

    assertThat(leases.end(first, LeaseState.THAWED, null, NOW)).isTrue();
    assertThat(queue.next(vm)).as("the oldest queued saga once the freeze has ended")
        .hasValueSatisfying(q -> assertThat(CODEC.decode(q.envelope()).orElseThrow().cloneId()).isEqualTo(second));
    assertThat(admitOrQueue(second, vm)).as("the handed-over saga").isTrue();
    assertThat(heldLeases(vm)).containsExactly(second);
    assertThat(queued(vm)).containsExactly(third);
    assertThat(queue.next(vm)).as("handed over while the second saga holds the freeze").isEmpty();
  }

  private static boolean admitOrQueue(UUID cloneId, String vm) {
    ClonePlan plan = new ClonePlan(vm, "host-a", "host-b", 1, List.of(), 30_000);
    byte[] envelope = CODEC.encode(EventEnvelope.of(cloneId, new CloneRequested(plan, "it"), NOW));
    return queue.admitOrQueue(cloneId, vm, plan, LEASE_UNTIL, envelope, null);
  }

  private static List<UUID> heldLeases(String vm) {
    return jdbc.queryForList(
        "SELECT clone_id FROM freeze_leases WHERE vm_id = ? AND state IN ('FREEZING', 'FROZEN')", UUID.class, vm);
  }

  private static List<UUID> queued(String vm) {
    return jdbc.queryForList(
        "SELECT clone_id FROM pending_freezes WHERE vm_id = ? ORDER BY queued_at, clone_id", UUID.class, vm);
  }
}
