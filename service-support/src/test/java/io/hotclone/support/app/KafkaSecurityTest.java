package io.hotclone.support.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.mock.env.MockEnvironment;

class KafkaSecurityTest {

  private static final String SECRET = "s3cr3t-kafka-pw-7731";

  private static KafkaSecurity sasl() {
    return KafkaSecurity.from(new MockEnvironment()
        .withProperty("hotclone.kafka.security-protocol", "SASL_SSL")
        .withProperty("hotclone.kafka.sasl-mechanism", "SCRAM-SHA-512")
        .withProperty("hotclone.kafka.sasl-username", "hotclone")
        .withProperty("hotclone.kafka.sasl-password", SECRET)
        .withProperty("hotclone.kafka.ssl-truststore-location", "/etc/kafka/truststore.p12")
        .withProperty("hotclone.kafka.ssl-truststore-password", SECRET + "-ts"));
  }

  @Test
  void nothing_set_changes_nothing() {
    assertThat(KafkaSecurity.from(new MockEnvironment()).clientProperties()).isEmpty();
  }

  @Test
  void sasl_and_tls_settings_become_kafka_client_properties() {
    Map<String, Object> p = sasl().clientProperties();
    assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12");
    assertThat(((org.apache.kafka.common.config.types.Password) p.get("sasl.jaas.config")).value())
        .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"hotclone\" password=\""
            + SECRET + "\";");
  }

  @Test
  void the_secrets_are_never_in_kafka_s_configuration_log_nor_in_to_string() {
    Logger kafkaConfigLog = (Logger) LoggerFactory.getLogger(org.apache.kafka.common.config.AbstractConfig.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    kafkaConfigLog.addAppender(captured);
    kafkaConfigLog.setLevel(ch.qos.logback.classic.Level.INFO);
    try {
      Map<String, Object> config = new HashMap<>(sasl().clientProperties());
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      new ProducerConfig(config); // logs every value, as a producer does when it starts
    } finally {
      kafkaConfigLog.detachAppender(captured);
    }
    String logged = String.join("\n", captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    assertThat(logged).contains("sasl.jaas.config = [hidden]").contains("ssl.truststore.password = [hidden]");
    assertThat(logged).doesNotContain(SECRET);
    assertThat(sasl().toString()).doesNotContain(SECRET).contains("[hidden]");
  }
}
