package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The devstack broker keeps its data: a record produced before a restart on the same log directory
 * and port is still there after it, and so is a consumer group's committed offset and the cluster
 * id written when the directory was formatted.
 */
class LocalKafkaIT {

  /** The data directory of the stack (or broker) the test started, deleted after it. */
  private Path data;

  @AfterEach
  void deleteData() {
    TestDirs.delete(data);
  }

  private static final String TOPIC = "local-kafka-it";
  private static final String GROUP = "local-kafka-it-group";

  @Test
  void recordsOffsetsAndClusterIdSurviveARestart() throws Exception {
    data = TestDirs.create("hotclone-kafka");
    Path logDir = data.resolve("kafka");
    String value = "kept-" + System.nanoTime();
    String clusterId;
    int port;

    // port 0: the broker binds a free port itself (no probe-then-release window for anyone to take it)
    try (LocalKafka kafka = LocalKafka.start(0, logDir)) {
      assertThat(kafka.bootstrapServers()).startsWith("localhost:");
      port = Integer.parseInt(kafka.bootstrapServers().substring("localhost:".length()));
      assertThat(logDir.resolve("meta.properties")).exists();
      clusterId = clusterId(logDir);
      try (Admin admin = admin(kafka)) {
        Map<String, TopicDescription> topics =
            admin.describeTopics(List.of(Topics.CLONE_EVENTS, Topics.LIFECYCLE)).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(LocalKafka.PARTITIONS));
      }
      try (KafkaProducer<String, String> producer = producer(kafka)) {
        producer.send(new ProducerRecord<>(TOPIC, "k", value)).get(30, TimeUnit.SECONDS);
      }
      // a group reads it and commits: the offset must survive too
      try (KafkaConsumer<String, String> consumer = consumer(kafka, GROUP)) {
        assertThat(poll(consumer, 1)).extracting(ConsumerRecord::value).contains(value);
        consumer.commitSync();
      }
    }

    try (LocalKafka kafka = LocalKafka.start(port, logDir)) {
      assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + port);
      assertThat(clusterId(logDir)).as("cluster id kept").isEqualTo(clusterId);
      try (KafkaConsumer<String, String> consumer = consumer(kafka, "fresh-" + System.nanoTime())) {
        List<ConsumerRecord<String, String>> records = poll(consumer, 1);
        assertThat(records).extracting(ConsumerRecord::value).containsExactly(value);
        assertThat(records.get(0).topic()).isEqualTo(TOPIC);
      }
      try (Admin admin = admin(kafka)) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
            .as("committed offsets of %s", GROUP).isEqualTo(1);
      }
    }
  }

  private static String clusterId(Path logDir) throws IOException {
    Properties meta = new Properties();
    try (var in = Files.newInputStream(logDir.resolve("meta.properties"))) {
      meta.load(in);
    }
    assertThat(meta.getProperty("cluster.id")).isNotBlank();
    return meta.getProperty("cluster.id");
  }

  private static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer, int atLeast) {
    consumer.subscribe(List.of(TOPIC));
    List<ConsumerRecord<String, String>> found = new ArrayList<>();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (found.size() < atLeast && Instant.now().isBefore(deadline)) {
      consumer.poll(Duration.ofMillis(200)).forEach(found::add);
    }
    return found;
  }

  private static Admin admin(LocalKafka kafka) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static KafkaProducer<String, String> producer(LocalKafka kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(p);
  }

  private static KafkaConsumer<String, String> consumer(LocalKafka kafka, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    return new KafkaConsumer<>(p);
  }
}
