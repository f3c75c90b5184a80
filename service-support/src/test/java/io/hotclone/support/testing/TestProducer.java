package io.hotclone.support.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * A {@link MockProducer} behind a {@link KafkaTemplate}, no broker. {@code KafkaTemplate} closes its
 * producer after every send (its factories hand out a shared one whose close does nothing), so
 * closing is a no-op here too. Without auto-completion, a send waits for {@link #acknowledgeNext}
 * or {@link #refuseNext}; {@link #flush()} acknowledges every waiting send except those {@link
 * #refuseAtFlush} names, which it refuses.
 */
public final class TestProducer extends MockProducer<byte[], byte[]> {

  private Predicate<ProducerRecord<byte[], byte[]>> refuseAtFlush = r -> false;
  private int completed;
  private String refuseOnSend;

  /** {@code autoComplete}: every send is acknowledged at once. */
  public TestProducer(boolean autoComplete) {
    super(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public KafkaTemplate<byte[], byte[]> template() {
    return new KafkaTemplate<>(() -> this);
  }

  public void refuseAtFlush(Predicate<ProducerRecord<byte[], byte[]>> refuse) {
    this.refuseAtFlush = refuse;
  }

  /** Every later send is taken, then refused by the broker with {@code why} (no exception from send itself). */
  public synchronized void refuseEverySend(String why) {
    this.refuseOnSend = why;
  }

  @Override
  public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
    Future<RecordMetadata> future = super.send(record, callback);
    if (refuseOnSend != null) {
      refuseNext(refuseOnSend);
    }
    return future;
  }

  public synchronized void acknowledgeNext() {
    completed++;
    completeNext();
  }

  public synchronized void refuseNext(String why) {
    completed++;
    errorNext(new KafkaException(why));
  }

  @Override
  public synchronized void flush() {
    List<ProducerRecord<byte[], byte[]>> sent = history();
    while (completed < sent.size()) {
      if (refuseAtFlush.test(sent.get(completed))) {
        refuseNext("refused at flush");
      } else {
        acknowledgeNext();
      }
    }
  }

  @Override
  public void close() {}

  @Override
  public void close(Duration timeout) {}

  /** A header of a record as text, or null when absent. */
  public static String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
