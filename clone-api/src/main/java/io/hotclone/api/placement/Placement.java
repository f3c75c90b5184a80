package io.hotclone.api.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The placement policy, pure: given the hosts as they are now, the host of each of {@code count}
 * clones of {@code cloneMemoryBytes} each.
 *
 * <p>A host can take a clone when the tenant may use it, it is reachable, its IP pool has a free
 * address left (its last count minus the clones this request already put there; no count known: not
 * limiting) and its room, {@code total × overcommit − vmMemory − inFlight − memory already placed
 * there by this request}, is at least the clone's memory ({@code inFlight}: clones other operations in
 * progress placed there that are no VMs yet, so two requests never count the same room). The clones are placed one after the other, in index
 * order, by the {@link PlacementPolicy}: {@code spread} picks the host with the most room (ties:
 * fewer VMs counting the ones placed by this request, then host name), {@code pack} the host with
 * the least room that still fits (ties: host name). When some clone fits on no host the whole
 * request is refused: the result lists, per host, what was short at that clone.
 */
public final class Placement {

  private Placement() {}

  /**
   * What placement decided.
   *
   * @param hosts the host of each clone by index; empty when refused
   * @param shortfalls per host, what was short when the clone {@code hosts.size()} could not be
   *     placed; empty when placed
   */
  public record Result(List<String> hosts, List<Shortfall> shortfalls) {
    public boolean placed() {
      return shortfalls.isEmpty();
    }
  }

  /** A host during placement: the candidate and what this request put there so far. */
  private static final class Slot {
    final Candidate c;
    long placedBytes;
    int placedClones;

    Slot(Candidate c) {
      this.c = c;
    }

    long room() {
      return c.roomBytes() - placedBytes;
    }

    boolean hasAddress() {
      return c.freeAddresses() == null || c.freeAddresses() - placedClones > 0;
    }

    boolean fits(long bytes) {
      return c.allowed() && c.reachable() && hasAddress() && room() >= bytes;
    }
  }

  public static Result place(List<Candidate> hosts, int count, long cloneMemoryBytes, PlacementPolicy policy) {
    List<Slot> slots = hosts.stream().map(Slot::new).toList();
    Comparator<Slot> order = policy == PlacementPolicy.SPREAD
        ? Comparator.comparingLong(Slot::room).reversed()
            .thenComparingInt(s -> s.c.vms() + s.placedClones)
            .thenComparing(s -> s.c.host())
        : Comparator.comparingLong(Slot::room).thenComparing(s -> s.c.host());
    List<String> chosen = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Optional<Slot> best = slots.stream().filter(s -> s.fits(cloneMemoryBytes)).min(order);
      if (best.isEmpty()) {
        return new Result(List.of(), shortfalls(slots, cloneMemoryBytes, i, count));
      }
      Slot s = best.get();
      s.placedBytes += cloneMemoryBytes;
      s.placedClones++;
      chosen.add(s.c.host());
    }
    return new Result(List.copyOf(chosen), List.of());
  }

  private static List<Shortfall> shortfalls(List<Slot> slots, long bytes, int index, int count) {
    List<Shortfall> out = new ArrayList<>();
    String at = "clone " + (index + 1) + " of " + count;
    for (Slot s : slots) {
      String host = s.c.host();
      if (!s.c.allowed()) {
        out.add(new Shortfall(host, "not-allowed", "the tenant may not use host " + host));
      } else if (!s.c.reachable()) {
        out.add(new Shortfall(host, "unreachable", "host " + host + " is unreachable"));
      } else if (!s.hasAddress()) {
        out.add(new Shortfall(host, "addresses", "the IP pool of host " + host + " has " + s.c.freeAddresses()
            + " free address(es), " + s.placedClones + " taken by this request; none left for " + at));
      } else {
        out.add(new Shortfall(host, "memory", "host " + host + " has " + Math.max(0, s.room())
            + " bytes of room left (overcommit " + s.c.overcommit() + ", " + s.c.inFlightBytes()
            + " bytes held by operations in progress), " + at + " needs " + bytes));
      }
    }
    return List.copyOf(out);
  }
}
