package io.hotclone.hypervisor;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What to do with a clone whose identity cannot be applied inside its guest (no guest agent, or the
 * agent refuses a command). A clone's hypervisor-side identity (name, UUID, MAC in the domain, SMBIOS
 * serial, VM generation id) is always new; this policy is about the guest's own view.
 */
public enum IdentityPolicy {
  /** The clone fails cleanly and everything made for it is released. */
  REQUIRE_AGENT("require-agent"),
  /**
   * The clone runs with its network link down and is marked as needing identity: it can never answer
   * on the network as its source. The default.
   */
  ISOLATE("isolate"),
  /** The clone runs with its link up as its source's twin; the events carry a warning. */
  ALLOW("allow");

  public static final IdentityPolicy DEFAULT = ISOLATE;

  private final String wireName;

  IdentityPolicy(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The policy named {@code name} ({@code require-agent}, {@code isolate}, {@code allow}). */
  public static Optional<IdentityPolicy> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(p -> p.wireName.equals(n)).findFirst();
  }
}
