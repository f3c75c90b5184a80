package io.hotclone.hypervisor;

import java.util.List;

/**
 * What was done to give a started clone its identity inside the guest, in the order it was done.
 * Nothing is claimed that was not done: an item is {@code APPLIED} only when the guest confirmed
 * it (exit status, or the value read back through the guest agent).
 *
 * @param outcome whether the guest now has its own identity, and what the network link is
 * @param agent whether a guest agent answered
 * @param ip the address the guest reports on the clone's NIC (null when none was read back)
 * @param hostname the host name the guest reports (null when none was read back)
 * @param items each step with its result, in execution order
 */
public record GuestIdentity(Outcome outcome, boolean agent, String ip, String hostname, List<Item> items) {

  public GuestIdentity {
    items = items == null ? List.of() : List.copyOf(items);
  }

  /** The identity of a clone whose driver applies it by construction (the embedded hypervisor). */
  public static GuestIdentity byConstruction(VmIdentity id) {
    List<Item> items =
        List.of(
            new Item("hostname", Status.APPLIED, id.hostname(), 0),
            new Item("machine-id", Status.APPLIED, "derived from the clone's UUID", 0),
            new Item("mac", Status.APPLIED, id.mac(), 0),
            new Item("ip", Status.APPLIED, id.ip(), 0),
            new Item("generation-id", Status.APPLIED, String.valueOf(id.generationId()), 0),
            new Item("link-up", Status.APPLIED, null, 0));
    return new GuestIdentity(Outcome.APPLIED, true, id.ip(), id.hostname(), items);
  }

  /** The guest's own identity. */
  public enum Outcome {
    /** Every item applied; the link is up. */
    APPLIED,
    /** Not (fully) applied; the clone runs with its link down and needs identity (policy isolate). */
    ISOLATED,
    /** Not (fully) applied; the link is up anyway (policy allow): the guest still looks like its source. */
    UNAPPLIED
  }

  public enum Status {
    APPLIED,
    SKIPPED,
    FAILED
  }

  /**
   * One step.
   *
   * @param name {@code link-down}, {@code hostname}, {@code machine-id}, {@code mac}, {@code ip},
   *     {@code entropy}, {@code generation-id}, {@code link-up}
   * @param detail the value applied, or why it was skipped or failed
   * @param atMillis when it finished, in milliseconds after the clone's restore began
   */
  public record Item(String name, Status status, String detail, long atMillis) {}

  public boolean needsIdentity() {
    return outcome != Outcome.APPLIED;
  }

  /** The detail of the {@code link-up} item of a standby clone (held down until it is claimed). */
  public static final String STANDBY = "held down: standby (a warm pool's ready clone, up when claimed)";

  /**
   * Whether the clone's links are up: its {@code link-up} item was applied (a report without one:
   * true, nothing held them down).
   */
  public boolean linkUp() {
    return items.stream().filter(i -> i.name().equals("link-up")).reduce((a, b) -> b)
        .map(i -> i.status() == Status.APPLIED).orElse(true);
  }

  /** Whether this is a standby clone: identity applied, links held down until a claim. */
  public boolean standby() {
    return outcome == Outcome.APPLIED && !linkUp();
  }

  /** This report with the links held down for standby ({@link #STANDBY}); the rest unchanged. */
  public GuestIdentity heldDownForStandby() {
    return withLink(new Item("link-up", Status.SKIPPED, STANDBY, 0), outcome);
  }

  /**
   * This report once {@link Hypervisor#bringLinksUp} brought the links up: the {@code link-up}
   * item applied; a clone that was {@code ISOLATED} (identity not applied) is {@code UNAPPLIED}
   * from then on, as under policy {@code allow}.
   */
  public GuestIdentity withLinksUp(String detail, long atMillis) {
    return withLink(new Item("link-up", Status.APPLIED, detail, atMillis),
        outcome == Outcome.ISOLATED ? Outcome.UNAPPLIED : outcome);
  }

  private GuestIdentity withLink(Item link, Outcome newOutcome) {
    java.util.ArrayList<Item> out = new java.util.ArrayList<>();
    for (Item i : items) {
      if (!i.name().equals("link-up")) {
        out.add(i);
      }
    }
    out.add(link);
    return new GuestIdentity(newOutcome, agent, ip, hostname, out);
  }
}
