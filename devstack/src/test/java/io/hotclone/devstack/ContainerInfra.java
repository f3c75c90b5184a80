package io.hotclone.devstack;

import io.hotclone.events.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The switch to Kafka and PostgreSQL in containers (Testcontainers) for the integration tests that
 * use {@link TestStack}: {@code HOTCLONE_IT_CONTAINERS=true} (environment) or {@code
 * -Dhotclone.it.containers=true}. Off by default: the embedded broker and server are the default.
 *
 * <p>Images: {@code HOTCLONE_KAFKA_IMAGE} and {@code HOTCLONE_POSTGRES_IMAGE} (or {@code
 * -Dhotclone.it.kafka-image}, {@code -Dhotclone.it.postgres-image}), default the official
 * {@value #KAFKA_IMAGE} and {@value #POSTGRES_IMAGE}; where no registry is reachable, the images
 * {@code scripts/images.sh} builds here ({@code hotclone/kafka:<version>}, {@code
 * hotclone/postgres:15}), which Testcontainers takes as substitutes of the official ones. Where
 * Testcontainers would pull more images from Docker Hub, turn that off: its start-up checks run
 * {@code alpine} ({@code TESTCONTAINERS_CHECKS_DISABLE=true}); on a machine with a {@code
 * /.dockerenv} it believes it runs inside a container and runs {@code alpine} to find the engine's
 * address ({@code TESTCONTAINERS_HOST_OVERRIDE=localhost}: the engine is local); Ryuk, its reaper of
 * containers left by a killed JVM ({@code TESTCONTAINERS_RYUK_DISABLED=true}): every container here is stopped by the test
 * or stack that started it, and one left by a killed JVM carries the label {@code
 * org.testcontainers=true} ({@code docker rm -f $(docker ps -aq --filter label=org.testcontainers=true)}).
 */
final class ContainerInfra {

  static final String POSTGRES_IMAGE = "postgres:16-alpine";
  static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

  private ContainerInfra() {}

  /** Whether the tests should run Kafka and PostgreSQL in containers (then a Docker engine is required). */
  static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty("hotclone.it.containers", System.getenv("HOTCLONE_IT_CONTAINERS")));
  }

  private static String setting(String property, String variable, String fallback) {
    String v = System.getProperty(property, System.getenv(variable));
    return v == null || v.isBlank() ? fallback : v;
  }

  static DockerImageName kafkaImage() {
    return DockerImageName.parse(setting("hotclone.it.kafka-image", "HOTCLONE_KAFKA_IMAGE", KAFKA_IMAGE))
        .asCompatibleSubstituteFor("apache/kafka");
  }

  static DockerImageName postgresImage() {
    return DockerImageName.parse(setting("hotclone.it.postgres-image", "HOTCLONE_POSTGRES_IMAGE", POSTGRES_IMAGE))
        .asCompatibleSubstituteFor("postgres");
  }

  /**
   * Whether a Docker engine is required: containers are enabled, or {@code HOTCLONE_IT_DOCKER=required}
   * ({@code -Dhotclone.it.docker=required}; the test command sets it, so that ContainersIT cannot be
   * skipped there).
   */
  static boolean dockerRequired() {
    return enabled() || "required".equals(setting("hotclone.it.docker", "HOTCLONE_IT_DOCKER", ""));
  }

  /**
   * Returns when Testcontainers finds a Docker engine. Without one: the test fails with the reason
   * when one is required ({@link #dockerRequired()}), and is skipped otherwise.
   */
  static void requireDocker() {
    String reason;
    try {
      DockerClientFactory.instance().client();
      return;
    } catch (RuntimeException e) {
      reason = e.getMessage();
    }
    if (dockerRequired()) {
      throw new AssertionError("a Docker engine is required (HOTCLONE_IT_CONTAINERS=true or HOTCLONE_IT_DOCKER=required)"
          + " but Testcontainers cannot use one: " + reason);
    }
    Assumptions.abort("no Docker engine (HOTCLONE_IT_DOCKER=required makes this a failure): " + reason);
  }

  static PostgreSQLContainer postgres() {
    return new PostgreSQLContainer(postgresImage())
        .withDatabaseName("postgres")
        .withUsername("postgres")
        .withPassword("postgres")
        .withCommand("postgres", "-c", "max_connections=200", "-c", "fsync=off");
  }

  static KafkaContainer kafka() {
    return new KafkaContainer(kafkaImage());
  }

  /** Starts both containers and the two topics devstack's broker makes; they stop with the stack. */
  static DevStack.Infrastructure start() {
    requireDocker();
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
