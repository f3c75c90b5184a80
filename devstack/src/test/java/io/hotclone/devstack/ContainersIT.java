package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The containers {@code HOTCLONE_IT_CONTAINERS=true} gives {@link TestStack}: PostgreSQL answers
 * with the credentials devstack uses, and Kafka takes the topics and carries a record. The images
 * are {@link ContainerInfra}'s (the official ones, or those {@code scripts/images.sh} builds here).
 * Without a Docker engine: fails with the reason under {@code HOTCLONE_IT_CONTAINERS=true} or {@code
 * HOTCLONE_IT_DOCKER=required}, skipped otherwise.
 */
class ContainersIT {

  static PostgreSQLContainer POSTGRES;
  static KafkaContainer KAFKA;

  @BeforeAll
  static void start() {
    ContainerInfra.requireDocker();
    POSTGRES = ContainerInfra.postgres();
    KAFKA = ContainerInfra.kafka();
    POSTGRES.start();
    KAFKA.start();
  }

  @AfterAll
  static void stop() {
    if (KAFKA != null) {
      KAFKA.stop();
    }
    if (POSTGRES != null) {
      POSTGRES.stop();
    }
  }

  @Test
  void postgresAnswersWithDevstacksCredentials() {
    JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(POSTGRES.getJdbcUrl(), "postgres", "postgres", true));
    assertThat(jdbc.queryForObject("SHOW max_connections", String.class)).isEqualTo("200");
  }

  @Test
  void kafkaCarriesARecordOnTheSagaTopic() {
    String bootstrap = KAFKA.getBootstrapServers();
    ContainerInfra.createTopics(bootstrap);
    String key = UUID.randomUUID().toString();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
      producer.send(new ProducerRecord<>(Topics.CLONE_EVENTS, key, "hello")).get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "containers-" + key,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
      consumer.subscribe(List.of(Topics.CLONE_EVENTS));
      Instant deadline = Instant.now().plusSeconds(30);
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(r.key())) {
            assertThat(new String(r.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo("hello");
            return;
          }
        }
      }
    }
    throw new AssertionError("the record did not come back from the Kafka container");
  }
}
