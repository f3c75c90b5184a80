package io.hotclone.devstack;

import io.hotclone.events.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The switch to Kafka and PostgreSQL in containers (Testcontainers) for the integration tests that
 * use {@link TestStack}: {@code HOTCLONE_IT_CONTAINERS=true} (environment) or {@code
 * -Dhotclone.it.containers=true}. Off by default: the embedded broker and server are the default
 * and the only path tested on machines without a Docker engine.
 */
final class ContainerInfra {

  static final String POSTGRES_IMAGE = "postgres:16-alpine";
  static final String KAFKA_IMAGE = "apache/kafka:4.1.0";

  private ContainerInfra() {}

  /** Whether the tests should run Kafka and PostgreSQL in containers. */
  static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty("hotclone.it.containers", System.getenv("HOTCLONE_IT_CONTAINERS")));
  }

  static PostgreSQLContainer postgres() {
    return new PostgreSQLContainer(POSTGRES_IMAGE)
        .withDatabaseName("postgres")
        .withUsername("postgres")
        .withPassword("postgres")
        .withCommand("postgres", "-c", "max_connections=200", "-c", "fsync=off");
  }

  static KafkaContainer kafka() {
    return new KafkaContainer(KAFKA_IMAGE);
  }

  /** Starts both containers and the two topics devstack's broker makes; they stop with the stack. */
  static DevStack.Infrastructure start() {
    PostgreSQLContainer postgres = postgres();
    KafkaContainer kafka = kafka();
    postgres.start();
    try {
      kafka.start();
      createTopics(kafka.getBootstrapServers());
    } catch (RuntimeException e) {
      kafka.stop();
      postgres.stop();
      throw e;
    }
    // without the container's URL parameters: tests append ?currentSchema= (TestStack.schema)
    String jdbcUrl = "jdbc:postgresql://" + postgres.getHost() + ":" + postgres.getMappedPort(5432) + "/postgres";
    return new DevStack.Infrastructure(jdbcUrl, kafka.getBootstrapServers(), List.of(kafka::stop, postgres::stop));
  }

  static void createTopics(String bootstrap) {
    try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(
              new NewTopic(Topics.CLONE_EVENTS, LocalKafka.PARTITIONS, (short) 1),
              new NewTopic(Topics.LIFECYCLE, LocalKafka.PARTITIONS, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the topics in the Kafka container", e);
    }
  }
}
