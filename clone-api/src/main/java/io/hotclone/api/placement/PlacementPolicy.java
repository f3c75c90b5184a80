package io.hotclone.api.placement;

import io.hotclone.api.domain.RequestRejected;
import java.util.Locale;

/**
 * How clones are spread over the hosts that can take them.
 *
 * <ul>
 *   <li>{@link #SPREAD} (default): each clone goes to the host with the most memory room left (ties:
 *       fewer VMs, then host name), so clones of one request land on as many hosts as fit.
 *   <li>{@link #PACK}: each clone goes to the host with the least memory room that still fits it
 *       (ties: host name), filling one host before the next.
 * </ul>
 */
public enum PlacementPolicy {
  SPREAD,
  PACK;

  /** The name in the API ({@code spread}, {@code pack}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code null} → {@link #SPREAD}; {@code spread} or {@code pack}; anything else is a 422. */
  public static PlacementPolicy parse(String value) {
    if (value == null) {
      return SPREAD;
    }
    for (PlacementPolicy p : values()) {
      if (p.wireName().equals(value)) {
        return p;
      }
    }
    throw new RequestRejected("placement", "invalid", "placement must be spread or pack, was " + value);
  }
}
