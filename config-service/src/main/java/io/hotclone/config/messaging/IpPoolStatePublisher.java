package io.hotclone.config.messaging;

import io.hotclone.config.domain.IpPool;
import io.hotclone.config.domain.IpPools;
import io.hotclone.config.persistence.Identities;
import io.hotclone.events.EventCodec;
import io.hotclone.events.IpPoolState;
import io.hotclone.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.hotclone.support.app.KafkaSecurity;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.beans.factory.annotation.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Publishes how full each IP pool is ({@link IpPoolState} on {@link Topics#IP_POOLS}, keyed by
 * network) every {@code hotclone.config.pool-state-interval}, counted from the live identities: a
 * snapshot, not an effect, so it goes straight to Kafka rather than through the outbox; a lost or
 * late one is corrected by the next. Every instance publishes the same counts. The topic is created
 * compacted on first use (the broker's default replication factor) unless it exists.
 */
@Component
public class IpPoolStatePublisher {
  private static final Logger log = LoggerFactory.getLogger(IpPoolStatePublisher.class);

  private final IpPools pools;
  private final Identities identities;
  private final KafkaTemplate<byte[], byte[]> kafka;
  private final EventCodec codec;
  private final Clock clock;
  private final Map<String, Object> admin;
  private volatile boolean topicReady;

  public IpPoolStatePublisher(
      IpPools pools,
      Identities identities,
      KafkaTemplate<byte[], byte[]> outboxKafkaTemplate,
      EventCodec codec,
      Clock clock,
      @Value("${hotclone.kafka.bootstrap-servers:localhost:9092}") String bootstrap,
      KafkaSecurity security) {
    this.pools = pools;
    this.identities = identities;
    this.kafka = outboxKafkaTemplate;
    this.codec = codec;
    this.clock = clock;
    this.admin = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    this.admin.putAll(security.clientProperties());
  }

  /**
   * Creates the topic compacted (one partition: a handful of keys) unless it exists; a broker that
   * auto-creates topics would make it uncompacted.
   */
  private void ensureTopic() {
    if (topicReady) {
      return;
    }
    try (Admin a = Admin.create(admin)) {
      a.createTopics(List.of(new NewTopic(Topics.IP_POOLS, 1, (short) -1).configs(Map.of("cleanup.policy", "compact"))))
          .all().get(10, TimeUnit.SECONDS);
      topicReady = true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        topicReady = true;
      } else {
        log.debug("topic {} not created yet: {}", Topics.IP_POOLS, e.getCause().toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | RuntimeException e) {
      log.debug("topic {} not created yet: {}", Topics.IP_POOLS, e.toString());
    }
  }

  @Scheduled(fixedDelayString = "${hotclone.config.pool-state-interval:1000}")
  public void publish() {
    ensureTopic();
    Set<String> taken;
    try {
      taken = identities.liveIps();
    } catch (RuntimeException e) {
      log.debug("pool state not counted: {}", e.toString());
      return;
    }
    for (IpPool pool : pools.all()) {
      long capacity = pool.capacity();
      IpPoolState state = new IpPoolState(pool.network(), pool.cidr(), capacity, capacity - pool.held(taken), clock.instant());
      byte[] value = codec.mapper().writeValueAsBytes(state);
      kafka.send(Topics.IP_POOLS, pool.network().getBytes(StandardCharsets.UTF_8), value)
          .whenComplete((r, e) -> {
            if (e != null) {
              log.debug("pool state of {} not published: {}", pool.network(), e.toString());
            }
          });
    }
  }
}
