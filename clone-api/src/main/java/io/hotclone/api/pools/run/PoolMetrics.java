package io.hotclone.api.pools.run;

import io.hotclone.api.pools.PoolCounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Per pool (tags {@code pool}, {@code tenant}) the gauges {@code hotclone.pool.ready}, {@code
 * hotclone.pool.creating} and {@code hotclone.pool.claimed} (as the reconciler last counted them;
 * removed with the pool), and the timer {@code hotclone.pool.claim} (claim latency, a percentiles
 * histogram, successful claims only: from the request to the clone handed out with its links up).
 */
@Component
public class PoolMetrics {

  private final MeterRegistry registry;
  private final Map<UUID, Gauges> gauges = new ConcurrentHashMap<>();

  public PoolMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  private record Gauges(Tags tags, AtomicInteger ready, AtomicInteger creating, AtomicInteger claimed) {}

  /** The counts of a pool now. */
  public void counted(UUID pool, String name, String tenant, PoolCounts c) {
    Gauges g = gauges.computeIfAbsent(pool, id -> {
      Tags tags = Tags.of("pool", name, "tenant", tenant);
      Gauges n = new Gauges(tags, new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
      Gauge.builder("hotclone.pool.ready", n.ready(), AtomicInteger::get).tags(tags)
          .description("ready (standby) clones of the pool").register(registry);
      Gauge.builder("hotclone.pool.creating", n.creating(), AtomicInteger::get).tags(tags)
          .description("clones the pool's refills in flight are making").register(registry);
      Gauge.builder("hotclone.pool.claimed", n.claimed(), AtomicInteger::get).tags(tags)
          .description("clones claimed from the pool and still alive").register(registry);
      return n;
    });
    g.ready().set(c.ready());
    g.creating().set(c.creating());
    g.claimed().set(c.claimed());
  }

  /** Drops the gauges of pools not in {@code live}. */
  public void retain(Set<UUID> live) {
    for (UUID id : Set.copyOf(gauges.keySet())) {
      if (!live.contains(id)) {
        Gauges g = gauges.remove(id);
        for (String n : new String[] {"hotclone.pool.ready", "hotclone.pool.creating", "hotclone.pool.claimed"}) {
          var m = registry.find(n).tags(g.tags()).gauge();
          if (m != null) {
            registry.remove(m);
          }
        }
      }
    }
  }

  public void claimed(String pool, Duration latency) {
    Timer.builder("hotclone.pool.claim").description("claim latency: request to a ready clone handed out, links up")
        .tag("pool", pool).publishPercentileHistogram().register(registry).record(latency);
  }
}
