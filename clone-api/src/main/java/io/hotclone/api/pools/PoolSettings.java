package io.hotclone.api.pools;

import io.hotclone.api.domain.DnsLabels;
import io.hotclone.api.domain.RequestRejected;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.SortedMap;

/**
 * A pool's settings as checked (422 {@link RequestRejected} naming the field otherwise): {@code name}
 * a DNS label, unique among the tenant's pools; {@code sourceVm} the running VM its clones copy;
 * {@code 0 <= minReady <= maxSize <= }{@value #MAX_SIZE}; {@code placement} {@code spread} or
 * {@code pack} (null: the deployment's default); {@code identityPolicy} a wire name (null: default);
 * {@code maxAge} at least a second (null: ready clones never expire); {@code labels} what every
 * clone of the pool carries.
 */
public record PoolSettings(
    String name,
    String sourceVm,
    int minReady,
    int maxSize,
    String placement,
    String identityPolicy,
    Duration maxAge,
    SortedMap<String, String> labels) {

  /** The most clones a pool may hold. */
  public static final int MAX_SIZE = 256;

  /** Checks a request's values; {@code maxAge} is ISO-8601 ({@code PT10M}). */
  public static PoolSettings check(
      String name, String sourceVm, Integer minReady, Integer maxSize, String placement, String identityPolicy,
      String maxAge, java.util.Map<String, String> labels) {
    if (name == null || name.isBlank()) {
      throw new RequestRejected("name", "required", "name is required");
    }
    DnsLabels.require("name", name);
    if (sourceVm == null || sourceVm.isBlank()) {
      throw new RequestRejected("sourceVm", "required", "sourceVm is required");
    }
    if (minReady == null) {
      throw new RequestRejected("minReady", "required", "minReady is required");
    }
    int max = maxSize == null ? minReady : maxSize;
    sizes(minReady, max);
    return new PoolSettings(name, sourceVm, minReady, max, placement(placement), policy(identityPolicy), maxAge(maxAge),
        io.hotclone.api.labels.Labels.check("labels", labels));
  }

  /** This pool resized (the other settings kept), checked as at creation. */
  public PoolSettings resized(int newMinReady, int newMaxSize) {
    sizes(newMinReady, newMaxSize);
    return new PoolSettings(name, sourceVm, newMinReady, newMaxSize, placement, identityPolicy, maxAge, labels);
  }

  static void sizes(int minReady, int maxSize) {
    if (minReady < 0) {
      throw new RequestRejected("minReady", "out-of-range", "minReady must be at least 0, was " + minReady);
    }
    if (maxSize < minReady || maxSize > MAX_SIZE) {
      throw new RequestRejected("maxSize", "out-of-range",
          "maxSize must be between minReady (" + minReady + ") and " + MAX_SIZE + ", was " + maxSize);
    }
  }

  static String placement(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String p = value.trim().toLowerCase(Locale.ROOT);
    if (!p.equals("spread") && !p.equals("pack")) {
      throw new RequestRejected("placement", "invalid", "placement must be spread or pack");
    }
    return p;
  }

  static String policy(String value) {
    if (value == null) {
      return null;
    }
    return io.hotclone.hypervisor.IdentityPolicy.parse(value)
        .map(io.hotclone.hypervisor.IdentityPolicy::wireName)
        .orElseThrow(() -> new RequestRejected(
            "identityPolicy", "invalid", "identityPolicy must be require-agent, isolate or allow"));
  }

  static Duration maxAge(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      Duration d = Duration.parse(value.trim());
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new RequestRejected("maxAge", "out-of-range", "maxAge must be at least PT1S");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new RequestRejected("maxAge", "invalid", "maxAge must be an ISO-8601 duration such as PT10M");
    }
  }
}
