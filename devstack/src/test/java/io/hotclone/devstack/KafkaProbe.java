package io.hotclone.devstack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Raw Kafka access for tests: read a topic from the start, publish bytes, wait for a group to catch up. */
final class KafkaProbe {

  private KafkaProbe() {}

  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Predicate<String> valueMatches, int atLeast, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().kafkaBootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      Instant deadline = Instant.now().plus(timeout);
      while (found.size() < atLeast && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (valueMatches.test(new String(r.value(), StandardCharsets.UTF_8))) {
            found.add(r);
          }
        }
      }
    }
    return found;
  }

  static void publish(String topic, byte[] key, byte[] value) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().kafkaBootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(topic, key, value));
      producer.flush();
    }
  }

  /**
   * Publishes a second copy of every record of {@code topic} that appears from now on and mentions
   * the clone id given to {@link Redeliverer#only} (each distinct record once), as it appears: the
   * services see each event twice while the saga is still running.
   */
  static Redeliverer redeliverEach(String topic) {
    return new Redeliverer(topic);
  }

  static final class Redeliverer implements AutoCloseable {
    private final java.util.concurrent.CompletableFuture<String> cloneId = new java.util.concurrent.CompletableFuture<>();
    private final java.util.Set<String> done = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    private final Thread thread;

    private Redeliverer(String topic) {
      thread = new Thread(() -> run(topic), "redeliverer");
      thread.setDaemon(true);
      thread.start();
      try {
        if (!positioned.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new AssertionError("redeliverer not positioned on " + topic);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** The clone whose events to redeliver (records seen before this call wait for it). */
    void only(String id) {
      cloneId.complete(id);
    }

    /** How many distinct records were published a second time so far. */
    int redelivered() {
      return done.size();
    }

    private void run(String topic) {
      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().kafkaBootstrapServers());
      c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().kafkaBootstrapServers());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
          KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end offsets now, before the saga starts
        positioned.countDown();
        while (!stop.get()) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            String id = cloneId.get(60, java.util.concurrent.TimeUnit.SECONDS);
            String value = new String(r.value(), StandardCharsets.UTF_8);
            if (value.contains(id) && done.add(value)) {
              producer.send(new ProducerRecord<>(topic, r.key(), r.value())).get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
          }
        }
      } catch (Throwable t) {
        failure.set(t);
        positioned.countDown();
      }
    }

    @Override
    public void close() {
      stop.set(true);
      cloneId.complete("none");
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failure.get() != null) {
        throw new AssertionError("redeliverer failed", failure.get());
      }
    }
  }

  /** Waits until consumer {@code group} has committed up to the end of every partition of {@code topic}. */
  static void awaitCaughtUp(String group, String topic, Duration timeout) {
    awaitCaughtUp(TestStack.get().kafkaBootstrapServers(), group, topic, timeout);
  }

  /** {@link #awaitCaughtUp(String, String, Duration)} on the broker at {@code bootstrap}. */
  static void awaitCaughtUp(String bootstrap, String group, String topic, Duration timeout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(p)) {
      TestStack.await(group + " to consume " + topic, timeout, () -> {
        try {
          var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
          Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
          partitions.forEach(pi -> latest.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
          Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
          Map<TopicPartition, OffsetAndMetadata> committed =
              admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
          for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long pos = c == null ? 0 : c.offset();
            if (pos < e.getValue().offset()) {
              return false;
            }
          }
          return true;
        } catch (Exception e) {
          return false;
        }
      });
    }
  }
}
