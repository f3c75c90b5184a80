package io.hotclone.api.placement.adapter;

import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.messaging.IpPoolStates;
import io.hotclone.api.placement.Candidate;
import io.hotclone.api.placement.Placement;
import io.hotclone.api.placement.PlacementPolicy;
import io.hotclone.api.placement.Shortfall;
import io.hotclone.api.security.SecurityProperties;
import io.hotclone.hypervisor.HostCapacity;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Places the clones of a request without {@code targetHost} ({@link Placement}) on the hosts as the
 * hypervisor reports them now. A request that cannot be placed is a {@link RequestRejected} {@code
 * no-capacity} (422) whose problem lists, under {@code shortfalls}, per host what was short ({@code
 * host}, {@code reason}: {@code not-allowed}, {@code unreachable}, {@code addresses}, {@code
 * memory}; {@code detail}). A host whose capacity cannot be read counts as unreachable.
 */
@Component
@EnableConfigurationProperties(PlacementProperties.class)
public class HostPlacement {

  private final Hypervisor hypervisor;
  private final IpPoolStates pools;
  private final SecurityProperties security;
  private final PlacementProperties properties;

  public HostPlacement(
      Hypervisor hypervisor, IpPoolStates pools, SecurityProperties security, PlacementProperties properties) {
    this.hypervisor = hypervisor;
    this.pools = pools;
    this.security = security;
    this.properties = properties;
  }

  /** The host of each of {@code count} clones of {@code cloneMemoryBytes}, by {@code policy}. */
  public List<String> place(String tenant, int count, long cloneMemoryBytes, PlacementPolicy policy) {
    Placement.Result result = Placement.place(candidates(tenant), count, cloneMemoryBytes, policy);
    if (!result.placed()) {
      List<Map<String, Object>> shortfalls = new ArrayList<>();
      for (Shortfall s : result.shortfalls()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", s.host());
        m.put("reason", s.reason());
        m.put("detail", s.detail());
        shortfalls.add(m);
      }
      throw new RequestRejected("targetHost", "no-capacity",
          "no host can take the " + count + " clone(s) of " + cloneMemoryBytes + " bytes each ("
              + policy.wireName() + "); see shortfalls",
          Map.of("shortfalls", shortfalls));
    }
    return result.hosts();
  }

  private List<Candidate> candidates(String tenant) {
    List<Candidate> out = new ArrayList<>();
    for (HostInfo h : hypervisor.hosts()) {
      String name = h.name().value();
      boolean allowed = security.allowsHost(tenant, name);
      if (!h.reachable()) {
        out.add(Candidate.unreachable(name, allowed));
        continue;
      }
      HostCapacity c;
      try {
        c = hypervisor.capacity(h.name());
      } catch (HypervisorException e) {
        out.add(Candidate.unreachable(name, allowed));
        continue;
      }
      Long free = pools.forHost(name).map(p -> p.free()).orElse(null);
      out.add(new Candidate(name, allowed, true, free, c.totalMemoryBytes(), c.vmMemoryBytes(), c.vms(),
          properties.overcommitOf(name)));
    }
    return out;
  }
}
