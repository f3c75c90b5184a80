package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.GuestIdentity.Item;
import io.hotclone.hypervisor.GuestIdentity.Status;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Gives a freshly restored clone's guest its identity through the QEMU guest agent, while its NICs
 * are held link-down: host name, machine id, the NIC's MAC (the guest still has its source's from
 * the device state), the IP configuration, and entropy from the host mixed into the guest's pool.
 * Every item is confirmed by the guest (exit status and read-back) before it counts as applied;
 * commands the agent does not offer are skipped with the reason. Each step is idempotent, so a
 * start interrupted half-way is simply applied again.
 */
final class IdentityApplier {
  static final String NO_ADDRESS = "no address allocated";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Duration agentWait;
  private final int commandTimeoutSeconds;

  IdentityApplier(Duration agentWait, int commandTimeoutSeconds) {
    this.agentWait = agentWait;
    this.commandTimeoutSeconds = commandTimeoutSeconds;
  }

  /** Result of the steps inside the guest (the caller adds link and generation-id items). */
  record Applied(boolean agent, List<Item> items, String ip, String hostname) {}

  Applied apply(DomainRef d, DomainXml xml, IdentityIntent intent, long startNanos) {
    List<Item> items = new ArrayList<>();
    Clock clock = new Clock(startNanos);
    if (!GuestAgent.hasChannel(xml)) {
      skipAll(items, clock, "the guest has no agent channel (" + GuestAgent.CHANNEL + ")");
      return new Applied(false, items, null, null);
    }
    GuestAgent agent = new GuestAgent(d, commandTimeoutSeconds);
    if (!agent.awaitReady(agentWait)) {
      skipAll(items, clock, "no guest agent answered within " + agentWait.toMillis() + " ms");
      return new Applied(false, items, null, null);
    }
    Set<String> enabled;
    try {
      enabled = agent.enabledCommands();
    } catch (GuestAgent.AgentUnavailable e) {
      skipAll(items, clock, "guest-info failed: " + e.getMessage());
      return new Applied(false, items, null, null);
    }
    boolean canExec = enabled.contains("guest-exec") && enabled.contains("guest-exec-status");
    String noExec = "the agent does not offer guest-exec";

    boolean named = intent.hostname() != null && !intent.hostname().isBlank();
    items.add(step("hostname", clock, canExec && named, named ? noExec : "no host name was given to this clone", () -> {
      GuestAgent.Exec r = agent.exec("sh", List.of("-c", "hostname \"$1\" && if [ -d /etc ]; then echo \"$1\" > /etc/hostname; fi; hostname", "sh", intent.hostname()));
      return confirm(r, intent.hostname(), r.out().trim());
    }));
    items.add(step("machine-id", clock, canExec, noExec, () -> {
      GuestAgent.Exec r = agent.exec("sh", List.of("-c", "mkdir -p /etc && printf '%s\\n' \"$1\" > /etc/machine-id && cat /etc/machine-id", "sh", intent.machineId()));
      return confirm(r, intent.machineId(), r.out().trim());
    }));
    String nic = canExec ? nicName(agent, intent) : null;
    boolean canNet = canExec && enabled.contains("guest-network-get-interfaces");
    items.add(step("mac", clock, canNet && nic != null, canNet ? "no NIC with MAC " + intent.sourceMac() + " in the guest" : noExec, () -> {
      GuestAgent.Exec r = agent.exec("ip", List.of("link", "set", "dev", nic, "address", intent.mac()));
      return confirm(r, intent.mac(), macOf(agent, nic));
    }));
    if (intent.address() == null) {
      items.add(new Item("ip", Status.SKIPPED, NO_ADDRESS, clock.now()));
    } else {
      items.add(step("ip", clock, canNet && nic != null, canNet ? "no NIC to address" : noExec, () -> {
        GuestAgent.Exec r =
            agent.exec(
                "sh",
                List.of("-c", "ip addr flush dev \"$1\" scope global; ip addr add \"$2\" dev \"$1\" && ip link set dev \"$1\" up"
                    + " && if [ -n \"$3\" ]; then ip route replace default via \"$3\" dev \"$1\"; fi", "sh", nic, intent.address(),
                    intent.gateway() == null ? "" : intent.gateway()));
        List<String> v4 = agent.interfaces().stream().filter(i -> i.name().equals(nic)).findFirst().map(GuestAgent.Interface::ipv4).orElse(List.of());
        return confirm(r, intent.address(), v4.contains(intent.address()) ? intent.address() : String.join(",", v4));
      }));
    }
    boolean canWrite = enabled.contains("guest-file-open") && enabled.contains("guest-file-write");
    items.add(step("entropy", clock, canWrite, "the agent does not offer guest-file-write", () -> {
      byte[] seed = new byte[64];
      RANDOM.nextBytes(seed);
      agent.writeFile("/dev/urandom", "w", seed);
      return new Outcome(Status.APPLIED, "64 bytes from the host mixed into the guest's pool");
    }));
    String ip = null;
    String hostname = null;
    try {
      if (nic != null && canNet) {
        ip = agent.interfaces().stream().filter(i -> i.name().equals(nic)).flatMap(i -> i.ipv4().stream()).findFirst().map(a -> a.substring(0, a.indexOf('/'))).orElse(null);
      }
      if (enabled.contains("guest-get-host-name")) {
        hostname = agent.hostName();
      }
    } catch (GuestAgent.AgentUnavailable e) {
      // read-back is best effort: the items say what was confirmed
    }
    return new Applied(true, items, ip, hostname);
  }

  private String nicName(GuestAgent agent, IdentityIntent intent) {
    try {
      for (GuestAgent.Interface i : agent.interfaces()) {
        if (i.mac().equalsIgnoreCase(intent.sourceMac()) || i.mac().equalsIgnoreCase(intent.mac())) {
          return i.name();
        }
      }
    } catch (GuestAgent.AgentUnavailable e) {
      return null;
    }
    return null;
  }

  private static String macOf(GuestAgent agent, String nic) {
    return agent.interfaces().stream().filter(i -> i.name().equals(nic)).findFirst().map(GuestAgent.Interface::mac).orElse("");
  }

  private record Outcome(Status status, String detail) {}

  private static Outcome confirm(GuestAgent.Exec r, String wanted, String readBack) {
    if (!r.ok()) {
      return new Outcome(Status.FAILED, "exit " + r.exitCode() + ": " + r.err().trim());
    }
    return wanted.equalsIgnoreCase(readBack)
        ? new Outcome(Status.APPLIED, wanted)
        : new Outcome(Status.FAILED, "the guest reports '" + readBack + "', not '" + wanted + "'");
  }

  private static final String[] GUEST_ITEMS = {"hostname", "machine-id", "mac", "ip", "entropy"};

  private static void skipAll(List<Item> items, Clock clock, String why) {
    for (String name : GUEST_ITEMS) {
      items.add(new Item(name, Status.SKIPPED, why, clock.now()));
    }
  }

  private static Item step(String name, Clock clock, boolean possible, String whyNot, Supplier<Outcome> action) {
    if (!possible) {
      return new Item(name, Status.SKIPPED, whyNot, clock.now());
    }
    try {
      Outcome o = action.get();
      return new Item(name, o.status(), o.detail(), clock.now());
    } catch (GuestAgent.AgentUnavailable | tools.jackson.core.JacksonException e) {
      return new Item(name, Status.FAILED, e.getMessage(), clock.now());
    }
  }

  private static final class Clock {
    private final long start;

    Clock(long start) {
      this.start = start;
    }

    long now() {
      return (System.nanoTime() - start) / 1_000_000;
    }
  }
}
