package io.hotclone.api.placement.adapter;

import io.hotclone.api.domain.RequestRejected;
import io.hotclone.api.messaging.IpPoolStates;
import io.hotclone.api.placement.Candidate;
import io.hotclone.api.placement.Placement;
import io.hotclone.api.placement.PlacementPolicy;
import io.hotclone.api.placement.Shortfall;
import io.hotclone.api.security.SecurityProperties;
import io.hotclone.hypervisor.HostCapacity;
import io.hotclone.hypervisor.HostName;
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
 *
 * <p>Concurrent requests (on any clone-api instance) are placed one at a time: {@link #place} must
 * run in the transaction that inserts the operation, takes the placement lock there ({@link
 * InFlightPlacements#lock}) and counts the memory the clones of other operations in progress hold
 * on each host; the caller records its own with {@link #record} before the transaction commits.
 * The hypervisor is asked once per host ({@link Hypervisor#capacity}).
 */
@Component
@EnableConfigurationProperties(PlacementProperties.class)
public class HostPlacement {

  private final Hypervisor hypervisor;
  private final IpPoolStates pools;
  private final SecurityProperties security;
  private final PlacementProperties properties;
  private final InFlightPlacements inFlight;

  public HostPlacement(
      Hypervisor hypervisor,
      IpPoolStates pools,
      SecurityProperties security,
      PlacementProperties properties,
      InFlightPlacements inFlight) {
    this.inFlight = inFlight;
    this.hypervisor = hypervisor;
    this.pools = pools;
    this.security = security;
    this.properties = properties;
  }

  /**
   * The host of each of {@code count} clones of {@code cloneMemoryBytes}, by {@code policy}. Runs in
   * the transaction that inserts the operation (else {@link IllegalStateException}) and holds the
   * placement lock until it ends.
   */
  public List<String> place(String tenant, int count, long cloneMemoryBytes, PlacementPolicy policy) {
    inFlight.lock();
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

  /**
   * Records, in the transaction that inserted operation {@code id}, that each of its clones holds
   * {@code cloneMemoryBytes} on its host until configured (whether placed or on a named host).
   */
  public void record(java.util.UUID id, long cloneMemoryBytes) {
    inFlight.record(id, cloneMemoryBytes);
  }

  private List<Candidate> candidates(String tenant) {
    List<Candidate> out = new ArrayList<>();
    Map<String, Long> held = inFlight.bytesByHost();
    for (HostName h : hypervisor.hostNames()) {
      String name = h.value();
      boolean allowed = security.allowsHost(tenant, name);
      HostCapacity c;
      try {
        c = hypervisor.capacity(h);
      } catch (HypervisorException e) {
        out.add(Candidate.unreachable(name, allowed));
        continue;
      }
      Long free = pools.forHost(name).map(p -> p.free()).orElse(null);
      out.add(new Candidate(name, allowed, true, free, c.totalMemoryBytes(), c.vmMemoryBytes(), c.vms(),
          properties.overcommitOf(name), held.getOrDefault(name, 0L)));
    }
    return out;
  }
}
