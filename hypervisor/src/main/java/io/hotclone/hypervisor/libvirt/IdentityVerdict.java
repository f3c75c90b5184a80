package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.IdentityPolicy;
import java.util.List;
import java.util.Set;

/**
 * The pure decision after the identity steps ran: is the guest its own machine now, and may its
 * link come up? The guest counts as re-identified only when every required item was applied
 * (hostname, machine id, MAC, and the IP when there was one to apply); entropy and the VM
 * generation id are reported but not required (a guest kernel without a vmgenid driver still gets
 * its pool mixed through the agent, and vice versa).
 */
record IdentityVerdict(GuestIdentity.Outcome outcome, boolean linkUp, String refusal) {

  static final Set<String> REQUIRED = Set.of("hostname", "machine-id", "mac", "ip");

  static IdentityVerdict of(IdentityPolicy policy, List<GuestIdentity.Item> items) {
    List<GuestIdentity.Item> missing =
        items.stream()
            .filter(i -> REQUIRED.contains(i.name()))
            .filter(i -> i.status() != GuestIdentity.Status.APPLIED && !notNeeded(i))
            .toList();
    boolean required = items.stream().anyMatch(i -> REQUIRED.contains(i.name()));
    if (required && missing.isEmpty()) {
      return new IdentityVerdict(GuestIdentity.Outcome.APPLIED, true, null);
    }
    String why =
        missing.isEmpty()
            ? "no identity step ran"
            : missing.stream().map(i -> i.name() + " " + i.status().name().toLowerCase() + " (" + i.detail() + ")").reduce((a, b) -> a + "; " + b).orElse("");
    return switch (policy) {
      case REQUIRE_AGENT -> new IdentityVerdict(GuestIdentity.Outcome.ISOLATED, false, "identity not applied in the guest: " + why);
      case ISOLATE -> new IdentityVerdict(GuestIdentity.Outcome.ISOLATED, false, null);
      case ALLOW -> new IdentityVerdict(GuestIdentity.Outcome.UNAPPLIED, true, null);
    };
  }

  /** An IP item skipped because the clone has no address to apply is not a missing identity. */
  private static boolean notNeeded(GuestIdentity.Item i) {
    return i.name().equals("ip") && i.status() == GuestIdentity.Status.SKIPPED && IdentityApplier.NO_ADDRESS.equals(i.detail());
  }
}
