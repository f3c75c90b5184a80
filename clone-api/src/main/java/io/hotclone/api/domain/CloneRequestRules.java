package io.hotclone.api.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The rules a clone request must satisfy before anything asks the hypervisor: a source is given
 * and, when given, a target host, as DNS labels ({@link DnsLabels}; a VM id is one too; without a
 * target host the clones are placed, {@link io.hotclone.api.placement.Placement}), {@code 1 ≤ count ≤ 64}, names are
 * either one {@code name} (used as is for one clone, as a prefix {@code name-1 … name-n} for
 * several) or a list of exactly {@code count} distinct names, not both, every resulting name a DNS
 * label, and the lease is positive and at most an hour. Violations are {@link RequestRejected}.
 */
public final class CloneRequestRules {

  public static final int MAX_COUNT = 64;
  public static final long DEFAULT_LEASE_MILLIS = 30_000;
  public static final long MAX_LEASE_MILLIS = 3_600_000;

  private CloneRequestRules() {}

  /** A request that passed the rules: names normalised to one per clone, or empty for generated. */
  public record Checked(String sourceVm, String targetHost, int count, List<String> names, long leaseMillis) {}

  public static Checked check(
      String sourceVm, String targetHost, Integer count, String name, List<String> names, Long leaseMillis) {
    DnsLabels.require("sourceVm", sourceVm);
    if (targetHost != null) {
      DnsLabels.require("targetHost", targetHost);
    }
    int n = count == null ? 1 : count;
    if (n < 1 || n > MAX_COUNT) {
      throw new RequestRejected("count", "out-of-range", "count must be between 1 and " + MAX_COUNT + ", was " + n);
    }
    long lease = leaseMillis == null ? DEFAULT_LEASE_MILLIS : leaseMillis;
    if (lease < 1 || lease > MAX_LEASE_MILLIS) {
      throw new RequestRejected(
          "leaseMillis", "out-of-range", "leaseMillis must be between 1 and " + MAX_LEASE_MILLIS + ", was " + lease);
    }
    return new Checked(sourceVm, targetHost, n, names(n, name, names), lease);
  }

  private static List<String> names(int count, String name, List<String> names) {
    boolean hasName = name != null;
    boolean hasNames = names != null && !names.isEmpty();
    if (hasName && hasNames) {
      throw new RequestRejected("names", "ambiguous", "give either name or names, not both");
    }
    if (hasName) {
      DnsLabels.require("name", name);
      if (count == 1) {
        return List.of(name);
      }
      List<String> out = new ArrayList<>(count);
      for (int i = 1; i <= count; i++) {
        out.add(DnsLabels.require("name", name + "-" + i));
      }
      return List.copyOf(out);
    }
    if (!hasNames) {
      return List.of();
    }
    if (names.size() != count) {
      throw new RequestRejected(
          "names", "size-mismatch", "names has " + names.size() + " entries but count is " + count);
    }
    List<String> out = new ArrayList<>(count);
    for (String each : names) {
      out.add(DnsLabels.require("names", each));
    }
    if (new HashSet<>(out).size() != out.size()) {
      throw new RequestRejected("names", "duplicate", "names must be distinct");
    }
    return List.copyOf(out);
  }
}
