package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.FaultPoints;
import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.GuestIdentity.Item;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.IdentityPolicy;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import static io.hotclone.hypervisor.libvirt.LibvirtTestEnv.await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A clone is a new machine inside the guest too. Real QEMU guests on two libvirt daemons; what the
 * guests say is read back through their agents with {@code virsh qemu-agent-command} (not through
 * the driver's own agent code).
 */
class GuestIdentityIT {
  private LibvirtTestEnv env;
  private LibvirtHypervisor hv;
  private final List<VmId> made = new ArrayList<>();
  private final List<UUID> cloneIds = new ArrayList<>();
  private GuestProbe probe;

  @BeforeEach
  void setUp() {
    env = LibvirtTestEnv.load();
    hv = new LibvirtHypervisor(env.uris(), env.options());
    probe = new GuestProbe(env.uris());
  }

  @AfterEach
  void tearDown() {
    try {
      cloneIds.forEach(hv::release);
      for (int i = made.size() - 1; i >= 0; i--) {
        hv.destroyVm(made.get(i));
      }
    } finally {
      hv.close();
    }
  }

  /**
   * Three clones from one freeze, one more from a later freeze: the five guests (source included)
   * report five host names, machine ids, MACs and IPs, draw different random UUIDs, each clone's
   * kernel logged the reseed its new VM generation id caused, and the link came up only after
   * every identity item was applied.
   */
  @Test
  void clonesOfTheAgentGuestAreNewMachinesInsideTheGuest() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmInfo src = hv.createVm(new VmSpec(LibvirtTestEnv.HOST_A, "hc-id-src-" + suffix, 128L << 20, 64L << 20, VmSpec.AGENT_IMAGE));
    made.add(src.id());
    await("the source's agent answers", Duration.ofSeconds(120), () -> probe.answers(LibvirtTestEnv.HOST_A, src.identity().name()));
    // the kernel reseeds on a generation id change only once its RNG is initialised (before that,
    // the new id is only mixed in, silently): clone a guest that is past that point, as any real one is
    await("the source's RNG is initialised", Duration.ofSeconds(60), () -> dmesg(LibvirtTestEnv.HOST_A, src.identity().name()).contains("random: crng init done"));

    List<VmInfo> clones = new ArrayList<>(cloneMany(src.id(), suffix, "a", 3, IdentityPolicy.REQUIRE_AGENT, 10));
    clones.addAll(cloneMany(src.id(), suffix, "b", 1, IdentityPolicy.REQUIRE_AGENT, 20));

    Map<String, String> hostnames = new java.util.HashMap<>();
    Set<String> machineIds = new HashSet<>();
    Set<String> macs = new HashSet<>();
    Set<String> ips = new HashSet<>();
    Set<String> randomUuids = new HashSet<>();
    List<VmInfo> all = new ArrayList<>(clones);
    all.add(0, src);
    for (VmInfo vm : all) {
      HostName host = vm.host();
      String name = vm.identity().name();
      hostnames.put(name, probe.hostname(host, name));
      machineIds.add(probe.exec(host, name, "cat", "/etc/machine-id").trim());
      GuestProbe.Nic eth0 = probe.nic(host, name, "eth0");
      macs.add(eth0.mac());
      ips.add(eth0.ipv4().isEmpty() ? "none:" + name : eth0.ipv4().get(0));
      randomUuids.add(probe.exec(host, name, "cat", "/proc/sys/kernel/random/uuid").trim());
    }
    System.out.printf("hostnames %s%nmachine ids %s%nMACs %s%nIPs %s%n", hostnames, machineIds, macs, ips);
    assertThat(new HashSet<>(hostnames.values())).as("five host names").hasSize(5);
    assertThat(machineIds).as("five machine ids").hasSize(5);
    assertThat(macs).as("five MACs as the guests see them").hasSize(5);
    assertThat(ips).as("five IPs").hasSize(5);
    assertThat(randomUuids).as("five different random streams").hasSize(5);
    assertThat(probe.exec(LibvirtTestEnv.HOST_A, src.identity().name(), "dmesg"))
        .as("the source's generation id never changed").doesNotContain("crng reseeded due to virtual machine fork");

    for (VmInfo clone : clones) {
      String name = clone.identity().name();
      assertThat(hostnames.get(name)).isEqualTo(clone.identity().hostname());
      GuestProbe.Nic eth0 = probe.nic(clone.host(), name, "eth0");
      assertThat(eth0.mac()).as("the guest's NIC has the clone's MAC").isEqualToIgnoringCase(clone.identity().mac());
      assertThat(eth0.ipv4()).containsExactly(clone.identity().ip() + "/24");
      assertThat(probe.exec(clone.host(), name, "dmesg")).as(name + " reseeded on its new generation id")
          .contains("crng reseeded due to virtual machine fork");

      GuestIdentity report = hv.findVm(clone.id()).orElseThrow().guestIdentity();
      assertThat(report.outcome()).isEqualTo(GuestIdentity.Outcome.APPLIED);
      assertThat(report.ip()).as("the IP published is the one the guest reports").isEqualTo(eth0.ipv4().get(0).split("/")[0]);
      List<String> order = report.items().stream().map(Item::name).toList();
      assertThat(order.get(0)).isEqualTo("link-down");
      assertThat(order.get(order.size() - 1)).isEqualTo("link-up");
      assertThat(report.items()).as("every item confirmed by the guest").allMatch(i -> i.status() == GuestIdentity.Status.APPLIED);
      long upAt = report.items().get(order.size() - 1).atMillis();
      assertThat(report.items()).allMatch(i -> i.atMillis() <= upAt);
      assertThat(Links.allUp(DomainXml.parse(probe.liveXml(clone.host(), name)))).as("link up now").isTrue();
      System.out.printf("%s: restore -> link up %d ms%n", name, upAt);
    }
  }

  /**
   * A guest without an agent under each policy: require-agent fails the start (the caller then
   * destroys the clone), isolate runs it with its link down, allow runs it with its link up and
   * says the identity was not applied.
   */
  @Test
  void aGuestWithoutAnAgentIsHandledByThePolicy() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmInfo src = tickingBusyboxSource("hc-noag-src-" + suffix);
    UUID cloneId = UUID.randomUUID();
    cloneIds.add(cloneId);
    IdentityPolicy[] policies = {IdentityPolicy.REQUIRE_AGENT, IdentityPolicy.ISOLATE, IdentityPolicy.ALLOW};
    List<VmId> defined = define(src.id(), cloneId, suffix, "p", policies, 30);

    assertThatThrownBy(() -> hv.startClone(OperationId.of(cloneId, "start", 0), defined.get(0)))
        .isInstanceOf(HypervisorException.IdentityNotApplied.class)
        .hasMessageContaining("require-agent")
        .hasMessageContaining("no agent channel");
    hv.destroyVm(defined.get(0));
    assertThat(hv.findVm(defined.get(0))).isEmpty();

    VmInfo isolated = hv.startClone(OperationId.of(cloneId, "start", 1), defined.get(1));
    assertThat(isolated.state()).isEqualTo(VmState.RUNNING);
    assertThat(isolated.guestIdentity().outcome()).isEqualTo(GuestIdentity.Outcome.ISOLATED);
    assertThat(isolated.guestIdentity().needsIdentity()).isTrue();
    assertThat(Links.allUp(DomainXml.parse(probe.liveXml(isolated.host(), isolated.identity().name())))).as("isolated: link down").isFalse();
    assertThat(statusOf(isolated.guestIdentity(), "hostname")).isEqualTo(GuestIdentity.Status.SKIPPED);
    assertThat(statusOf(isolated.guestIdentity(), "link-up")).isEqualTo(GuestIdentity.Status.SKIPPED);

    VmInfo allowed = hv.startClone(OperationId.of(cloneId, "start", 2), defined.get(2));
    assertThat(allowed.guestIdentity().outcome()).isEqualTo(GuestIdentity.Outcome.UNAPPLIED);
    assertThat(Links.allUp(DomainXml.parse(probe.liveXml(allowed.host(), allowed.identity().name())))).as("allowed: link up").isTrue();
    assertThat(statusOf(allowed.guestIdentity(), "link-up")).isEqualTo(GuestIdentity.Status.APPLIED);
    assertThat(statusOf(allowed.guestIdentity(), "mac")).isEqualTo(GuestIdentity.Status.SKIPPED);

    // a repeated start (another process, after a crash) returns the recorded report, applies nothing
    try (LibvirtHypervisor other = new LibvirtHypervisor(env.uris(), env.options())) {
      assertThat(other.startClone(OperationId.of(cloneId, "start", 1), defined.get(1)).guestIdentity()).isEqualTo(isolated.guestIdentity());
    }
  }

  /**
   * Window "a start slower than the source's lease": the source's freeze lease (8 s) runs out while
   * the clone's start is held right after the restore (paused, links not yet down). The clone
   * carries no lease of its source, and no watchdog (this driver's checks every 200 ms) resumes
   * it: it stays paused until its own start has set the links down; then it runs, isolated.
   */
  @Test
  void aStartSlowerThanTheSourcesLeaseKeepsTheClonePausedUntilItsLinksAreDown() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmInfo src = tickingBusyboxSource("hc-slow-src-" + suffix);
    UUID cloneId = UUID.randomUUID();
    cloneIds.add(cloneId);
    Duration lease = Duration.ofSeconds(8);
    long leaseTaken = System.nanoTime();
    VmId clone = define(src.id(), cloneId, suffix, "s", new IdentityPolicy[] {IdentityPolicy.ISOLATE}, 40, lease).get(0);
    String name = hv.findVm(clone).orElseThrow().identity().name();
    assertThat(probe.liveXml(LibvirtTestEnv.HOST_B, name)).as("the defined clone's XML").doesNotContain(FreezeBook.NS);

    java.util.concurrent.CountDownLatch restored = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    FaultPoints hold = point -> {
      if (point.equals(FaultPoints.START_RESTORED)) {
        restored.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    try (LibvirtHypervisor slow = new LibvirtHypervisor(env.uris(), env.options(), java.time.Clock.systemUTC(), Duration.ofMillis(200), hold)) {
      java.util.concurrent.CompletableFuture<VmInfo> start =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> slow.startClone(OperationId.of(cloneId, "start", 0), clone));
      try {
        assertThat(restored.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("the start reached the restore").isTrue();
        assertThat(probe.liveXml(LibvirtTestEnv.HOST_B, name)).as("the restored clone's live XML").doesNotContain(FreezeBook.NS);
        long holdUntil = leaseTaken + lease.plusSeconds(4).toNanos();
        int looks = 0;
        while (System.nanoTime() < holdUntil || looks < 5) {
          assertThat(hv.state(clone)).as("the held clone, %d ms after its source's lease was taken", (System.nanoTime() - leaseTaken) / 1_000_000)
              .isEqualTo(VmState.PAUSED);
          looks++;
          Thread.sleep(250);
        }
      } finally {
        go.countDown();
      }
      VmInfo started = start.get(90, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(started.state()).isEqualTo(VmState.RUNNING);
      assertThat(started.guestIdentity().outcome()).isEqualTo(GuestIdentity.Outcome.ISOLATED);
      assertThat(Links.allUp(DomainXml.parse(probe.liveXml(LibvirtTestEnv.HOST_B, name)))).as("isolated: link down").isFalse();
    }
  }

  /**
   * A start interrupted at each of its points (the driver's thread dies there) is finished by the
   * next attempt, from another driver instance: the clone runs, its identity is recorded once,
   * links as its policy says, and the state image only the start needed is gone.
   */
  @Test
  void aStartInterruptedAtAnyPointIsFinishedByTheNextAttempt() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmInfo src = tickingBusyboxSource("hc-intr-src-" + suffix);
    UUID cloneId = UUID.randomUUID();
    cloneIds.add(cloneId);
    List<String> points = FaultPoints.ALL;
    IdentityPolicy[] policies = new IdentityPolicy[points.size()];
    java.util.Arrays.fill(policies, IdentityPolicy.ALLOW);
    policies[1] = IdentityPolicy.ISOLATE;
    List<VmId> defined = define(src.id(), cloneId, suffix, "i", policies, 50, Duration.ofMinutes(5));
    for (int i = 0; i < points.size(); i++) {
      String point = points.get(i);
      VmId clone = defined.get(i);
      String name = hv.findVm(clone).orElseThrow().identity().name();
      java.nio.file.Path image = java.nio.file.Path.of(IdentityRewriter.stateImage(DomainXml.parse(probe.liveXml(LibvirtTestEnv.HOST_B, name))));
      assertThat(image).as("the state image before the start").exists();
      FaultPoints crash = p -> {
        if (p.equals(point)) {
          throw new IllegalStateException("the starting process died at " + p);
        }
      };
      OperationId op = OperationId.of(cloneId, "start", i);
      try (LibvirtHypervisor dying = new LibvirtHypervisor(env.uris(), env.options(), java.time.Clock.systemUTC(), Duration.ofDays(1), crash)) {
        assertThatThrownBy(() -> dying.startClone(op, clone)).hasMessageContaining("died at " + point);
      }
      try (LibvirtHypervisor next = new LibvirtHypervisor(env.uris(), env.options(), java.time.Clock.systemUTC(), Duration.ofDays(1))) {
        VmInfo started = next.startClone(op, clone);
        assertThat(started.state()).as("interrupted at %s, then started again", point).isEqualTo(VmState.RUNNING);
        assertThat(hv.state(clone)).as("%s: the domain runs", point).isEqualTo(VmState.RUNNING);
        assertThat(started.guestIdentity()).as("%s: identity recorded", point).isNotNull();
        boolean up = Links.allUp(DomainXml.parse(probe.liveXml(LibvirtTestEnv.HOST_B, name)));
        assertThat(up).as("%s: links as the %s policy says", point, policies[i].wireName()).isEqualTo(policies[i] == IdentityPolicy.ALLOW);
        assertThat(image).as("%s: the state image is deleted", point).doesNotExist();
        assertThat(next.startClone(op, clone).guestIdentity()).as("%s: a third start changes nothing", point).isEqualTo(started.guestIdentity());
      }
      long before = hv.findVm(clone).orElseThrow().guest().counter();
      await(name + " ticks on", Duration.ofSeconds(30), () -> hv.findVm(clone).orElseThrow().guest().counter() > before);
    }
  }

  /** A busybox guest (no agent) on host-a, running and past its third tick. */
  private VmInfo tickingBusyboxSource(String name) throws InterruptedException {
    VmInfo src = hv.createVm(new VmSpec(LibvirtTestEnv.HOST_A, name, 128L << 20, 64L << 20));
    made.add(src.id());
    await("source ticks", Duration.ofSeconds(90), () -> hv.findVm(src.id()).orElseThrow().guest().counter() >= 3);
    return src;
  }

  private String dmesg(HostName host, String name) {
    try {
      return probe.exec(host, name, "dmesg");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static GuestIdentity.Status statusOf(GuestIdentity report, String item) {
    return report.items().stream().filter(i -> i.name().equals(item)).findFirst().orElseThrow().status();
  }

  /** One freeze of {@code source}, {@code count} clones on host-b started, with addresses from {@code net}. */
  private List<VmInfo> cloneMany(VmId source, String suffix, String tag, int count, IdentityPolicy policy, int firstHost)
      throws Exception {
    UUID cloneId = UUID.randomUUID();
    cloneIds.add(cloneId);
    IdentityPolicy[] policies = new IdentityPolicy[count];
    java.util.Arrays.fill(policies, policy);
    List<VmId> defined = define(source, cloneId, suffix, tag, policies, firstHost);
    List<VmInfo> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(hv.startClone(OperationId.of(cloneId, "start", i), defined.get(i)));
    }
    return started;
  }

  private List<VmId> define(VmId source, UUID cloneId, String suffix, String tag, IdentityPolicy[] policies, int firstHost) {
    return define(source, cloneId, suffix, tag, policies, firstHost, Duration.ofMinutes(5));
  }

  private List<VmId> define(
      VmId source, UUID cloneId, String suffix, String tag, IdentityPolicy[] policies, int firstHost, Duration lease) {
    hv.freezeStorage(OperationId.of(cloneId, "freeze-storage"), source, lease);
    hv.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, lease);
    List<CopiedState> states = new ArrayList<>();
    for (int i = 0; i < policies.length; i++) {
      states.add(hv.copyState(OperationId.of(cloneId, "copy", i), source, LibvirtTestEnv.HOST_B));
    }
    hv.unfreezeMemory(OperationId.of(cloneId, "unfreeze-memory"), source);
    List<StoragePointer> pointers = new ArrayList<>();
    for (int i = 0; i < policies.length; i++) {
      pointers.add(hv.createClonePointer(OperationId.of(cloneId, "pointer", i), source, LibvirtTestEnv.HOST_B));
    }
    hv.unfreezeStorage(OperationId.of(cloneId, "unfreeze-storage"), source);
    List<VmId> defined = new ArrayList<>();
    for (int i = 0; i < policies.length; i++) {
      String name = "hc-id-" + tag + i + "-" + suffix;
      UUID uuid = UUID.randomUUID();
      VmIdentity id =
          new VmIdentity(name, uuid, GuestVmCreator.randomMac(), name, "10.231.7." + (firstHost + i), "HC-" + suffix + i, UUID.randomUUID(), 24, "10.231.7.1");
      VmId vm = hv.configureClone(OperationId.of(cloneId, "configure", i), new CloneSpec(source, states.get(i), pointers.get(i), id, policies[i])).id();
      made.add(vm);
      defined.add(vm);
    }
    return defined;
  }

}
