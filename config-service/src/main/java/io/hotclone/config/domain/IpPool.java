package io.hotclone.config.domain;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The IPv4 addresses one host network hands to clones: its CIDR without the network and broadcast
 * addresses (for prefixes up to /30), the gateway and the excluded addresses. Pools must not
 * overlap: an address is unique among live VMs of every network.
 *
 * @param network the pool's name (a host name, or {@code default})
 */
public record IpPool(String network, long base, int prefixLength, String gateway, Set<String> excluded) {

  public IpPool {
    if (prefixLength < 8 || prefixLength > 32) {
      throw new IllegalArgumentException("pool " + network + ": prefix /" + prefixLength + " outside /8../32");
    }
    if ((base & ~mask(prefixLength)) != 0) {
      throw new IllegalArgumentException("pool " + network + ": " + format(base) + "/" + prefixLength + " is not a network address");
    }
    excluded = Set.copyOf(new TreeSet<>(excluded == null ? Set.of() : excluded));
    if (gateway != null && !contains(base, prefixLength, parse(gateway))) {
      throw new IllegalArgumentException("pool " + network + ": gateway " + gateway + " outside " + cidr(base, prefixLength));
    }
  }

  /** A pool from {@code a.b.c.d/n}, an optional gateway and excluded addresses. */
  public static IpPool of(String network, String cidr, String gateway, Collection<String> excluded) {
    String[] parts = cidr.trim().split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("pool " + network + ": '" + cidr + "' is not CIDR notation");
    }
    return new IpPool(network, parse(parts[0]), Integer.parseInt(parts[1]), blankToNull(gateway), excluded == null ? Set.of() : Set.copyOf(excluded));
  }

  public String cidr() {
    return cidr(base, prefixLength);
  }

  /** How many addresses the pool can hand out in all. */
  public long capacity() {
    java.util.Set<String> unusable = new java.util.HashSet<>(excluded);
    if (gateway != null) {
      unusable.add(gateway);
    }
    long held = 0;
    for (String s : unusable) {
      if (isHostAddress(s)) {
        held++;
      }
    }
    return last() - first() + 1 - held;
  }

  /** Whether {@code s} is written as this pool writes addresses and lies between its first and last. */
  private boolean isHostAddress(String s) {
    try {
      long a = parse(s);
      return a >= first() && a <= last() && format(a).equals(s);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** How many of {@code taken} are addresses this pool hands out (held ones). */
  public long held(Set<String> taken) {
    long held = 0;
    for (String t : taken) {
      if (contains(t) && usable(parse(t))) {
        held++;
      }
    }
    return held;
  }

  /** The lowest address not in {@code taken}, or empty when the pool is exhausted. */
  public Optional<String> firstFree(Set<String> taken) {
    for (long a = first(); a <= last(); a++) {
      String s = format(a);
      if (usable(a) && !taken.contains(s)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  public boolean contains(String address) {
    try {
      return contains(base, prefixLength, parse(address));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private boolean usable(long a) {
    String s = format(a);
    return !s.equals(gateway) && !excluded.contains(s);
  }

  private long first() {
    return prefixLength >= 31 ? base : base + 1;
  }

  private long last() {
    long broadcast = base | (~mask(prefixLength) & 0xffffffffL);
    return prefixLength >= 31 ? broadcast : broadcast - 1;
  }

  private static boolean contains(long base, int prefix, long address) {
    return (address & mask(prefix)) == base;
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
  }

  static long parse(String dotted) {
    String[] o = dotted.trim().split("\\.");
    if (o.length != 4) {
      throw new IllegalArgumentException("'" + dotted + "' is not an IPv4 address");
    }
    long v = 0;
    for (String part : o) {
      int b = Integer.parseInt(part);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException("'" + dotted + "' is not an IPv4 address");
      }
      v = (v << 8) | b;
    }
    return v;
  }

  static String format(long v) {
    return ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
  }

  private static String cidr(long base, int prefix) {
    return format(base) + "/" + prefix;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
