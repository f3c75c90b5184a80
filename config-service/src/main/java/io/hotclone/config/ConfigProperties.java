package io.hotclone.config;

import io.hotclone.config.domain.IpPool;
import io.hotclone.hypervisor.IdentityPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * config-service settings ({@code hotclone.config.*}).
 *
 * @param identityPolicy what to do with a clone whose guest cannot be given its identity, when the
 *     request does not say: {@code require-agent}, {@code isolate} (default) or {@code allow}
 * @param ipPools per host network (key: host name, or {@code default} for hosts without their own)
 *     the CIDR, gateway and excluded addresses clones get their IPs from
 * @param startParallelism how many clones of one request ({@code count}) start at once; default 4
 */
@ConfigurationProperties("hotclone.config")
public record ConfigProperties(String identityPolicy, Map<String, Pool> ipPools, Integer startParallelism) {

  public static final String DEFAULT_POOL = io.hotclone.config.domain.IpPools.DEFAULT;

  public record Pool(String cidr, String gateway, List<String> exclude) {}

  public static final int DEFAULT_START_PARALLELISM = 4;

  public ConfigProperties {
    startParallelism = startParallelism == null ? DEFAULT_START_PARALLELISM : startParallelism;
    if (startParallelism < 1) {
      throw new IllegalArgumentException("hotclone.config.start-parallelism: " + startParallelism + " is not 1 or more");
    }
    identityPolicy = identityPolicy == null ? IdentityPolicy.DEFAULT.wireName() : identityPolicy;
    Map<String, Pool> pools = new LinkedHashMap<>(ipPools == null ? Map.of() : ipPools);
    pools.putIfAbsent(DEFAULT_POOL, new Pool("10.77.0.0/16", "10.77.0.1", List.of()));
    ipPools = Map.copyOf(pools);
    if (IdentityPolicy.parse(identityPolicy).isEmpty()) {
      throw new IllegalArgumentException("hotclone.config.identity-policy: '" + identityPolicy + "' is not require-agent, isolate or allow");
    }
  }

  public IdentityPolicy defaultPolicy() {
    return IdentityPolicy.parse(identityPolicy).orElseThrow();
  }

  /** The pools, checked: each valid, none overlapping another. */
  public List<IpPool> pools() {
    List<IpPool> out = new ArrayList<>();
    ipPools.forEach((name, p) -> out.add(IpPool.of(name, p.cidr(), p.gateway(), p.exclude())));
    for (IpPool a : out) {
      for (IpPool b : out) {
        if (a != b && (a.contains(b.cidr().split("/")[0]) || b.contains(a.cidr().split("/")[0]))) {
          throw new IllegalArgumentException("IP pools " + a.network() + " (" + a.cidr() + ") and " + b.network() + " (" + b.cidr() + ") overlap");
        }
      }
    }
    return out;
  }
}
