package io.hotclone.support.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.EventCodec;
import io.hotclone.events.Topics;
import io.hotclone.support.testing.TestProducer;
import io.hotclone.support.tracing.TraceContexts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.mock.env.MockEnvironment;

/**
 * What makes an application the service {@code name}: its defaults (consumer group, schema,
 * migrations, dead-letter topic) agree with the beans {@link ServiceConfiguration} makes, and the
 * outbox's producer is configured not to lose or duplicate a record on a retry.
 */
class ServiceWiringTest {

  private static final String BINDING = "spring.cloud.stream.bindings.onCloneEvent-in-0.";
  private static final String KAFKA_BINDING = "spring.cloud.stream.kafka.bindings.onCloneEvent-in-0.consumer.";
  private final Map<String, Object> defaults = ServiceDefaults.forService("memory-service", "memory");

  @Test
  void a_service_consumes_the_saga_topic_in_its_own_group_and_migrates_its_own_schema() {
    assertThat(defaults)
        .containsEntry("spring.application.name", "memory-service")
        .containsEntry("spring.cloud.function.definition", "onCloneEvent")
        .containsEntry(BINDING + "destination", Topics.CLONE_EVENTS)
        .containsEntry(BINDING + "group", "memory-service")
        .containsEntry(KAFKA_BINDING + "enable-dlq", true)
        .containsEntry("spring.datasource.hikari.schema", "memory")
        .containsEntry("spring.flyway.schemas", "memory")
        .containsEntry("spring.flyway.locations", "classpath:db/support,classpath:db/memory-service");
  }

  @Test
  void the_consumer_dead_letters_poison_to_the_same_topic_as_the_binder_and_counts_it_per_service() {
    // given the consumer bean of memory-service
    TestProducer producer = new TestProducer(true);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    var consumer = new ServiceConfiguration().onCloneEvent(
        new EventCodec(), e -> {}, producer.template(), "memory-service", registry, TraceContexts.none());
    // when
    consumer.accept(MessageBuilder.withPayload("garbage".getBytes(StandardCharsets.UTF_8)).build());
    // then
    assertThat(producer.history()).extracting(r -> r.topic())
        .containsExactly((String) defaults.get(KAFKA_BINDING + "dlq-name"));
    assertThat(producer.history().get(0).topic()).isEqualTo("hotclone.clone-events.dlq.memory-service");
    assertThat(registry.get("hotclone.dead.letters").tag("service", "memory-service").counter().count()).isEqualTo(1.0);
  }

  @Test
  void the_outbox_producer_waits_for_all_replicas_is_idempotent_and_authenticates_like_the_binder() {
    KafkaSecurity security = KafkaSecurity.from(new MockEnvironment()
        .withProperty("hotclone.kafka.security-protocol", "SASL_SSL")
        .withProperty("hotclone.kafka.sasl-username", "hotclone")
        .withProperty("hotclone.kafka.sasl-password", "pw"));
    KafkaTemplate<byte[], byte[]> template =
        new ServiceConfiguration().outboxKafkaTemplate("kafka-1:9092", "memory-service", security);
    Map<String, Object> config = template.getProducerFactory().getConfigurationProperties();
    assertThat(config)
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9092")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0)
        .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "outbox-memory-service")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsKey("sasl.jaas.config");
  }
}
