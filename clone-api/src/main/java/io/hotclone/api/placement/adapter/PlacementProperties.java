package io.hotclone.api.placement.adapter;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Overcommit ratios of placement: a host may hold VMs whose memory adds up to its physical memory
 * times its ratio. {@code hotclone.placement.overcommit.<host>=1.5} sets one host's ratio, {@code
 * hotclone.placement.default-overcommit} (default {@code 1.0}: no overcommit) every other host's.
 */
@ConfigurationProperties("hotclone.placement")
public record PlacementProperties(Map<String, Double> overcommit, Double defaultOvercommit) {

  public PlacementProperties {
    overcommit = overcommit == null ? Map.of() : Map.copyOf(overcommit);
    defaultOvercommit = defaultOvercommit == null ? 1.0 : defaultOvercommit;
    if (defaultOvercommit <= 0 || overcommit.values().stream().anyMatch(r -> r == null || r <= 0)) {
      throw new IllegalArgumentException("hotclone.placement overcommit ratios must be positive");
    }
  }

  /** The ratio of {@code host}. */
  public double overcommitOf(String host) {
    return overcommit.getOrDefault(host, defaultOvercommit);
  }
}
