package io.hotclone.config.domain;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The IP pool of each host network; hosts without their own take the {@code default} pool. */
public final class IpPools {
  public static final String DEFAULT = "default";
  private final Map<String, IpPool> byNetwork;

  public IpPools(List<IpPool> pools) {
    this.byNetwork = pools.stream().collect(Collectors.toUnmodifiableMap(IpPool::network, Function.identity()));
    if (!byNetwork.containsKey(DEFAULT)) {
      throw new IllegalArgumentException("no default IP pool");
    }
  }

  /** Every configured pool, {@code default} included. */
  public java.util.Collection<IpPool> all() {
    return byNetwork.values();
  }

  public IpPool forHost(String host) {
    return byNetwork.getOrDefault(host, byNetwork.get(DEFAULT));
  }
}
