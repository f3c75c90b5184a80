package io.hotclone.api.messaging;

import io.hotclone.events.EventCodec;
import io.hotclone.events.IpPoolState;
import io.hotclone.events.Topics;
import io.hotclone.support.app.KafkaSecurity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The IP pools' fill as config-service last published it ({@link Topics#IP_POOLS}), read from the
 * beginning of the compacted topic by every clone-api instance (its own consumer, no group offsets)
 * and kept in memory: the latest count per network. A state older than {@code
 * hotclone.api.pool-state-max-age} is treated as unknown.
 */
@Component
public class IpPoolStates implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(IpPoolStates.class);
  static final String DEFAULT_NETWORK = "default";

  private final Map<String, IpPoolState> states = new ConcurrentHashMap<>();
  private final String bootstrap;
  private final KafkaSecurity security;
  private final EventCodec codec;
  private final Clock clock;
  private final Duration maxAge;
  private volatile boolean running;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;

  public IpPoolStates(
      @Value("${hotclone.kafka.bootstrap-servers:localhost:9092}") String bootstrap,
      @Value("${hotclone.api.pool-state-max-age:60s}") Duration maxAge,
      KafkaSecurity security,
      EventCodec codec,
      Clock clock) {
    this.bootstrap = bootstrap;
    this.maxAge = maxAge;
    this.security = security;
    this.codec = codec;
    this.clock = clock;
  }

  /** The pool that serves {@code host} (its own, else the default), if a recent count is known. */
  public Optional<IpPoolState> forHost(String host) {
    IpPoolState s = states.get(host);
    if (s == null) {
      s = states.get(DEFAULT_NETWORK);
    }
    if (s == null || s.countedAt() == null || s.countedAt().isBefore(clock.instant().minus(maxAge))) {
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** Keeps the newer of two counts of one network (several config-service instances publish). */
  public void accept(IpPoolState state) {
    if (state == null || state.network() == null || state.countedAt() == null) {
      return;
    }
    states.merge(state.network(), state, (old, now) -> now.countedAt().isBefore(old.countedAt()) ? old : now);
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    Map<String, Object> config = new HashMap<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "clone-api-ip-pools-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.CLIENT_ID_CONFIG, "clone-api-ip-pools"));
    config.putAll(security.clientProperties());
    consumer = new KafkaConsumer<>(config);
    running = true;
    thread = new Thread(this::run, "ip-pool-states");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try (KafkaConsumer<byte[], byte[]> c = consumer) {
      c.subscribe(List.of(Topics.IP_POOLS));
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          try {
            accept(codec.mapper().readValue(r.value(), IpPoolState.class));
          } catch (RuntimeException e) {
            log.warn("unreadable pool state (key {}): {}", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), e.toString());
          }
        }
      }
    } catch (WakeupException e) {
      // stopping
    } catch (RuntimeException e) {
      log.warn("pool states no longer read: {}", e.toString());
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
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
}
