package io.hotclone.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class OutboxRelayRecordTest {

  private final UUID cloneId = UUID.fromString("11111111-2222-3333-4444-555555555555");

  @Test
  void a_row_with_a_content_type_is_sent_with_the_content_type_header_keyed_by_clone_id() {
    // given a lifecycle row as clone-api stores it
    OutboxRelay.Row row =
        new OutboxRelay.Row(7, cloneId, "hotclone.lifecycle", "io.hotclone.clone.completed",
            "application/cloudevents+json", null, "{}".getBytes(StandardCharsets.UTF_8));
    // when
    ProducerRecord<byte[], byte[]> record = OutboxRelay.record(row);
    // then
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(cloneId.toString());
    assertThat(new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
        .isEqualTo("application/cloudevents+json");
    assertThat(new String(record.headers().lastHeader("hotclone_type").value(), StandardCharsets.UTF_8))
        .isEqualTo("io.hotclone.clone.completed");
  }

  @Test
  void a_row_without_a_content_type_has_no_content_type_header() {
    OutboxRelay.Row row = new OutboxRelay.Row(8, cloneId, "hotclone.clone-events", "CloneRequested", null, null, new byte[0]);
    assertThat(OutboxRelay.record(row).headers().lastHeader("content-type")).isNull();
    assertThat(OutboxRelay.record(row).headers().lastHeader("traceparent")).isNull();
  }

  @Test
  void a_row_with_a_trace_context_is_sent_with_it_as_the_w3c_traceparent_header() {
    // given a row written inside a span
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    OutboxRelay.Row row =
        new OutboxRelay.Row(9, cloneId, "hotclone.clone-events", "StorageFrozen", null, traceparent, new byte[0]);
    // when
    ProducerRecord<byte[], byte[]> record = OutboxRelay.record(row);
    // then
    assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
        .isEqualTo(traceparent);
  }
}
