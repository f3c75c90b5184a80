package io.hotclone.devstack;

import io.hotclone.events.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real Kafka broker in KRaft mode inside this JVM (spring-kafka-test's cluster kit), with the
 * saga and lifecycle topics created up front (4 partitions each). Its log lives in a temporary
 * directory: topics start empty on every devstack start (the saga's state is in PostgreSQL, and
 * outbox rows not yet published are published again).
 */
public final class LocalKafka implements AutoCloseable {

  public static final int PARTITIONS = 4;

  private final EmbeddedKafkaKraftBroker broker;

  private LocalKafka(EmbeddedKafkaKraftBroker broker) {
    this.broker = broker;
  }

  /**
   * Starts the broker on a free port (the KRaft cluster kit picks its own ports; {@link
   * #bootstrapServers()} says which).
   */
  public static LocalKafka start() {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
    broker.brokerProperty("auto.create.topics.enable", "true");
    broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
    broker.brokerProperty("offsets.topic.num.partitions", "4");
    broker.afterPropertiesSet();
    broker.addTopics(
        new NewTopic(Topics.CLONE_EVENTS, PARTITIONS, (short) 1),
        new NewTopic(Topics.LIFECYCLE, PARTITIONS, (short) 1));
    return new LocalKafka(broker);
  }

  public String bootstrapServers() {
    return broker.getBrokersAsString();
  }

  @Override
  public void close() {
    broker.destroy();
  }
}
