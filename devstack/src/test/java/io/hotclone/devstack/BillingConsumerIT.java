package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.demoVmId;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.hotclone.events.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code hotclone.lifecycle} as a billing system reads it: a plain Kafka consumer with the
 * CloudEvents SDK's {@link CloudEventDeserializer}, nothing HotClone-specific. Every record on the
 * topic must be readable (a record without the binding's content-type header fails the poll).
 */
class BillingConsumerIT {

  @Test
  void aBillingSystemReadsTheCompletedCloneWithTheCloudEventsSdk() {
    JsonNode op = TestStack.cloneAndWait("{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\",\"count\":1}");
    String id = op.path("id").asString();
    assertThat(op.path("phase").asString()).isEqualTo("COMPLETED");

    ConsumerRecord<String, CloudEvent> completed = readCompleted(id, Duration.ofSeconds(20));

    assertThat(completed).as("completed CloudEvent of " + id).isNotNull();
    assertThat(completed.key()).isEqualTo(id);
    CloudEvent ce = completed.value();
    assertThat(ce.getSpecVersion().toString()).isEqualTo("1.0");
    assertThat(ce.getType()).isEqualTo("io.hotclone.clone.completed");
    assertThat(ce.getSource().toString()).isEqualTo("/hotclone/clone-api");
    assertThat(ce.getSubject()).isEqualTo(id);
    assertThat(ce.getId()).isEqualTo(UUID.nameUUIDFromBytes((id + "/io.hotclone.clone.completed").getBytes()).toString());
    assertThat(ce.getExtension("partitionkey")).isEqualTo(id);
    assertThat(ce.getExtension("tenant")).isEqualTo("tenant-a");
    assertThat(ce.getDataContentType()).isEqualTo("application/json");
    JsonNode data = TestStack.JSON.readTree(ce.getData().toBytes());
    assertThat(data.path("cloneId").asString()).isEqualTo(id);
    assertThat(data.path("sourceVm").asString()).isEqualTo(op.path("sourceVm").asString());
    assertThat(data.path("targetHost").asString()).isEqualTo("host-b");
    assertThat(data.path("count").asInt()).isEqualTo(1);
    assertThat(data.path("clones")).hasSize(1);
    assertThat(data.path("clones").get(0).path("vmId").asString()).isNotEmpty();
    assertThat(data.path("totalMillis").asLong()).isPositive();
    assertThat(data.path("principal").path("tenant").asString()).isEqualTo("tenant-a");
  }

  private static ConsumerRecord<String, CloudEvent> readCompleted(String id, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().kafkaBootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "billing-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class);
    try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(Topics.LIFECYCLE));
      Instant deadline = Instant.now().plus(timeout);
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, CloudEvent> r : consumer.poll(Duration.ofMillis(200))) {
          if (id.equals(r.value().getSubject()) && r.value().getType().endsWith(".completed")) {
            return r;
          }
        }
      }
    }
    return null;
  }
}
