package io.hotclone.api.publishing;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.hotclone.events.Topics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes public CloudEvents with the SDK: the Kafka protocol binding in structured mode, JSON event
 * format ({@code specversion}, {@code id}, {@code source} {@value #SOURCE}, {@code type}, {@code
 * subject}, {@code time}, {@code datacontenttype}, {@code data}, extensions {@code partitionkey} =
 * subject and {@code tenant}).
 */
public final class CloudEventEncoding {

  public static final String SOURCE = "/hotclone/clone-api";

  /** The Kafka binding's header that marks a structured-mode record. */
  public static final String CONTENT_TYPE_HEADER = "content-type";

  private static final JsonFormat FORMAT = new JsonFormat();

  private CloudEventEncoding() {}

  /**
   * Encodes one public CloudEvent of {@code subject} (the clone id or the VM id): {@code
   * partitionkey} and the Kafka key are the subject, {@code tenant} is set unless null.
   */
  public static PublicCloudEvent encode(
      JsonMapper json, UUID id, String type, String subject, String tenant, Instant time, ObjectNode data) {
    CloudEventBuilder event =
        CloudEventBuilder.v1()
            .withId(id.toString())
            .withSource(URI.create(SOURCE))
            .withType(type)
            .withSubject(subject)
            .withTime(time.atOffset(ZoneOffset.UTC))
            .withDataContentType("application/json")
            .withExtension("partitionkey", subject)
            .withData(json.writeValueAsBytes(data));
    if (tenant != null) {
      event.withExtension("tenant", tenant);
    }
    ProducerRecord<String, byte[]> record =
        KafkaMessageFactory.createWriter(Topics.LIFECYCLE, subject).writeStructured(event.build(), FORMAT);
    Header contentType = record.headers().lastHeader(CONTENT_TYPE_HEADER);
    return new PublicCloudEvent(id, type, new String(contentType.value(), StandardCharsets.UTF_8), record.value());
  }
}
