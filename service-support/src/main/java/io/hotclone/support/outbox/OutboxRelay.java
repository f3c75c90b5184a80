package io.hotclone.support.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import io.hotclone.support.tracing.TraceContexts;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox rows and marks them published once Kafka acknowledged them. The fast
 * path sends a row right after its transaction commits, from the committing thread, without a
 * query ({@link #publishCommitted}); the relay thread then records the acknowledgements in
 * batches, at most {@code markDelay} after the first of a batch arrived (marking is bookkeeping that
 * only spares the poll a second send, so it is coalesced into one transaction instead of one per
 * event, off the saga's path). {@code markDelay} is below {@code pollInterval}, and a poll marks what
 * was acknowledged before it reads, so an acknowledged row is not sent twice. As a fallback the
 * relay polls every {@code pollInterval} for rows still unpublished after {@code pollInterval} (a
 * crash between commit and send, a failed send) and sends them in
 * order: every row is published at least once, and consumers deduplicate by event id. The table is
 * reached through {@link OutboxRows}, Kafka through a {@link KafkaTemplate}.
 */
public class OutboxRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  /** How long acknowledgements are collected before they are marked, unless the poll interval is shorter. */
  static final Duration MARK_DELAY = Duration.ofMillis(100);
  /** The most rows one poll sends before it marks them published. */
  static final int BATCH = 200;
  /** The Kafka protocol binding's content type header (CloudEvents structured mode needs it). */
  static final String CONTENT_TYPE = "content-type";
  /** The W3C trace context header: the consumer continues the trace of the span that wrote the row. */
  static final String TRACEPARENT = TraceContexts.TRACEPARENT;

  private final OutboxRows rows;
  private final KafkaTemplate<byte[], byte[]> kafka;
  private final Duration pollInterval;
  private final long markDelayNanos;
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
  /** Set by the first acknowledgement after a mark: the relay then marks {@code markDelay} later. */
  private final AtomicBoolean markArmed = new AtomicBoolean();
  private volatile long firstAcknowledgedAt;
  private volatile boolean running;
  private boolean pending;
  private Thread thread;

  public OutboxRelay(
      String name,
      JdbcTemplate jdbc,
      TransactionTemplate tx,
      KafkaTemplate<byte[], byte[]> kafka,
      Duration pollInterval) {
    this(name, new JdbcOutboxRows(jdbc, tx), kafka, pollInterval);
  }

  public OutboxRelay(String name, OutboxRows rows, KafkaTemplate<byte[], byte[]> kafka, Duration pollInterval) {
    this(name, rows, kafka, pollInterval, MARK_DELAY);
  }

  /** {@code markDelay} is capped at half the poll interval. */
  OutboxRelay(
      String name, OutboxRows rows, KafkaTemplate<byte[], byte[]> kafka, Duration pollInterval, Duration markDelay) {
    this.name = name;
    this.rows = rows;
    this.kafka = kafka;
    this.pollInterval = pollInterval;
    this.markDelayNanos = Math.min(markDelay.toNanos(), pollInterval.toNanos() / 2);
  }

  /** Sends a just-committed row; its acknowledgement is recorded by the relay thread. */
  public void publishCommitted(Row row) {
    try {
      kafka.send(record(row)).whenComplete((result, error) -> {
        if (error == null) {
          acknowledged.add(row.id());
          armMark();
        } else {
          log.warn("outbox relay {}: send of {} failed, the poll will retry: {}", name, row.id(), error.toString());
        }
      });
    } catch (RuntimeException e) {
      log.warn("outbox relay {}: send of {} failed, the poll will retry: {}", name, row.id(), e.toString());
    }
  }

  /** The first acknowledgement since the last mark has the relay thread mark {@code markDelay} later. */
  private void armMark() {
    if (markArmed.compareAndSet(false, true)) {
      firstAcknowledgedAt = System.nanoTime();
      lock.lock();
      try {
        work.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Asks the relay thread to look for work now. */
  public void wakeUp() {
    lock.lock();
    try {
      pending = true;
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::loop, "outbox-relay-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    wakeUp();
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    // after the Kafka infrastructure has started, stopped before it
    return Integer.MAX_VALUE - 1000;
  }

  private void loop() {
    while (running) {
      try {
        markAcknowledged();
        while (running && publishBatch() == BATCH) {
          // drain
        }
        awaitWork();
      } catch (RuntimeException e) {
        log.warn("outbox relay {}: {} (will retry)", name, e.toString());
        sleepQuietly(pollInterval.toMillis());
      }
    }
  }

  /**
   * Waits for the poll interval, for a {@link #wakeUp}, or until the acknowledgements collected
   * since the last mark are {@code markDelay} old.
   */
  private void awaitWork() {
    lock.lock();
    try {
      long deadline = System.nanoTime() + pollInterval.toNanos();
      while (running && !pending) {
        long until = markArmed.get() ? Math.min(deadline, firstAcknowledgedAt + markDelayNanos) : deadline;
        long left = until - System.nanoTime();
        if (left <= 0) {
          break;
        }
        work.awaitNanos(left);
      }
      pending = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  /** Marks published, in one batch, every row whose fast-path send Kafka acknowledged since the last call. */
  void markAcknowledged() {
    markArmed.set(false);
    List<Long> ids = new ArrayList<>();
    for (Long id = acknowledged.poll(); id != null; id = acknowledged.poll()) {
      ids.add(id);
    }
    if (!ids.isEmpty()) {
      rows.markPublished(ids);
    }
  }

  /** Publishes up to one batch of rows left unpublished; returns how many rows were published. */
  int publishBatch() {
    List<Row> batch = rows.unpublished(pollInterval, BATCH);
    if (batch.isEmpty()) {
      return 0;
    }
    List<CompletableFuture<SendResult<byte[], byte[]>>> sends = new ArrayList<>(batch.size());
    for (Row row : batch) {
      sends.add(kafka.send(record(row)));
    }
    kafka.flush();
    CompletableFuture.allOf(sends.toArray(new CompletableFuture[0])).join();
    rows.markPublished(batch.stream().map(Row::id).toList());
    return batch.size();
  }

  /**
   * The Kafka record of a row: key = clone id, headers {@code hotclone_type}, and {@code
   * content-type} and {@code traceparent} if stored.
   */
  static ProducerRecord<byte[], byte[]> record(Row row) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(row.topic(), row.cloneId().toString().getBytes(StandardCharsets.UTF_8), row.body());
    record.headers().add("hotclone_type", row.type().getBytes(StandardCharsets.UTF_8));
    if (row.contentType() != null) {
      record.headers().add(CONTENT_TYPE, row.contentType().getBytes(StandardCharsets.UTF_8));
    }
    if (row.traceparent() != null) {
      record.headers().add(TRACEPARENT, row.traceparent().getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * An outbox row as the relay sends it; {@code contentType} or {@code traceparent} null: no such
   * header.
   */
  public record Row(
      long id, UUID cloneId, String topic, String type, String contentType, String traceparent, byte[] body) {}
}
