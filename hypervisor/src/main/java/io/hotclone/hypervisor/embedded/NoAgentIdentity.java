package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.GuestIdentity.Item;
import io.hotclone.hypervisor.GuestIdentity.Status;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.IdentityPolicy;
import io.hotclone.hypervisor.VmIdentity;
import java.util.ArrayList;
import java.util.List;

/**
 * The identity of a clone whose guest has no agent ({@link EmbeddedHypervisor#removeGuestAgent}),
 * as the libvirt driver reports one: the generation id is applied (hypervisor side), every guest
 * item is skipped for want of an agent, and the policy decides the link: {@code isolate} holds it
 * down ({@code ISOLATED}), {@code allow} brings it up ({@code UNAPPLIED}), {@code require-agent}
 * refuses the clone.
 */
final class NoAgentIdentity {

  static final String NO_AGENT = "no guest agent answered";

  private NoAgentIdentity() {}

  static GuestIdentity of(VmIdentity id, IdentityPolicy policy) {
    if (policy == IdentityPolicy.REQUIRE_AGENT) {
      throw new HypervisorException.IdentityNotApplied(
          id.name() + ": identity not applied in the guest: " + NO_AGENT + " (policy " + policy.wireName() + ")");
    }
    List<Item> items = new ArrayList<>();
    items.add(new Item("generation-id", Status.APPLIED, String.valueOf(id.generationId()), 0));
    for (String name : List.of("hostname", "machine-id", "mac", "ip", "entropy")) {
      items.add(new Item(name, Status.SKIPPED, NO_AGENT, 0));
    }
    if (policy == IdentityPolicy.ALLOW) {
      items.add(new Item("link-up", Status.APPLIED, "1 NIC(s)", 0));
      return new GuestIdentity(GuestIdentity.Outcome.UNAPPLIED, false, null, null, items);
    }
    items.add(new Item("link-up", Status.SKIPPED,
        "held down: the guest still has its source's identity (policy " + policy.wireName() + ")", 0));
    return new GuestIdentity(GuestIdentity.Outcome.ISOLATED, false, null, null, items);
  }
}
