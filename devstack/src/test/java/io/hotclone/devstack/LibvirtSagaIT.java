package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import io.hotclone.hypervisor.libvirt.GuestProbe;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import io.hotclone.support.hypervisor.HypervisorProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The whole saga — five services on real Kafka and PostgreSQL — hot-clones a real running QEMU
 * guest from one libvirt daemon (host-a) to another (host-b). Needs {@code scripts/libvirt/setup.sh}
 * (run by {@code scripts/test.sh}); runs in the {@code libvirt} profile.
 */
class LibvirtSagaIT {
  private static Path data;
  private static DevStack stack;
  private static GuestProbe probe;

  @BeforeAll
  static void start() throws Exception {
    HypervisorProperties hv = new HypervisorProperties();
    hv.setDriver("libvirt");
    hv.getHosts().put("host-a", env("HOTCLONE_LIBVIRT_SOURCE_URI"));
    hv.getHosts().put("host-b", env("HOTCLONE_LIBVIRT_TARGET_URI"));
    hv.setStorageDir(Path.of(env("HOTCLONE_LIBVIRT_SHARED_DIR")));
    hv.getHostDirs().put("host-a", Path.of(env("HOTCLONE_LIBVIRT_HOST_A_DIR")));
    hv.getHostDirs().put("host-b", Path.of(env("HOTCLONE_LIBVIRT_HOST_B_DIR")));
    hv.setGuestDir(Path.of(env("HOTCLONE_GUEST_DIR")));
    // the background snapshot through the services (the default is live: README, Figures)
    hv.setMemoryFreeze("auto");
    data = TestDirs.create("hotclone-libvirt-saga");
    stack = DevStack.start(DevStackSettings.withHypervisor(data, hv, Map.of(
        "hotclone.api.operation-timeout", "120s",
        "hotclone.api.pool-reconcile-interval", "PT0.5S",
        "hotclone.config.ip-pools.host-b.cidr", POOL,
        "hotclone.config.ip-pools.host-b.gateway", "10.231.8.1")));
    // requests act as tenant-a, which the guests this test creates on the hypervisor belong to
    TestStack.register(stack);
    probe = new GuestProbe(Map.of(
        new HostName("host-a"), env("HOTCLONE_LIBVIRT_SOURCE_URI"), new HostName("host-b"), env("HOTCLONE_LIBVIRT_TARGET_URI")));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    TestDirs.delete(data);
  }

  private static final String POOL = "10.231.8.0/24";

  /**
   * The busybox guest has no agent: under the default policy (isolate) its clone runs with its link
   * held down, is marked as needing identity, and publishes no IP it was never given. The source has
   * two disks: storage-service records a pointer per disk for the original and the clone, and the
   * lineage shows each disk of the clone over its own base frozen at the cut.
   */
  @Test
  void sagaHotClonesTheRunningGuestAcrossTwoLibvirtHosts() throws Exception {
    {
      Hypervisor h = stack.hypervisor();
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      VmInfo source = h.createVm(new VmSpec(new HostName("host-a"), "hc-saga-src-" + suffix, 128L << 20, 32L << 20, null, 2));
      VmId clone = null;
      try {
        await("source guest to tick", Duration.ofSeconds(90), () -> h.requireVm(source.id()).guest().counter() >= 3);
        long atRequest = h.requireVm(source.id()).guest().counter();

        JsonNode op = TestStack.cloneAndWait(stack.apiPort(),
            "{\"sourceVm\":\"" + source.id() + "\",\"targetHost\":\"host-b\",\"count\":1,\"leaseMillis\":90000}",
            Duration.ofSeconds(150));
        long atCompleted = h.requireVm(source.id()).guest().counter();
        assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
        assertThat(op.path("sourcePauseMicros").asLong()).isPositive();
        clone = new VmId(op.path("clones").get(0).path("vmId").asString());
        JsonNode published = op.path("clones").get(0);
        assertThat(published.path("identityOutcome").asString()).isEqualTo("ISOLATED");
        assertThat(published.path("ip").isNull()).as("no IP claimed that the guest never got: %s", published).isTrue();
        assertThat(published.path("allocatedIp").asString()).startsWith("10.231.8.");
        assertThat(probe.liveXml(new HostName("host-b"), published.path("name").asString()))
            .as("the isolated clone's link is down").contains("<link state='down'/>");
        assertThat(get(stack, "/api/v1/vms/" + clone.value()).path("guestIdentity").path("outcome").asString()).isEqualTo("ISOLATED");

        VmInfo c = h.requireVm(clone);
        assertThat(c.host()).isEqualTo(new HostName("host-b"));
        assertThat(c.state()).isEqualTo(VmState.RUNNING);
        assertThat(c.identity().name()).isNotEqualTo(source.identity().name());
        assertThat(c.identity().uuid()).isNotEqualTo(source.identity().uuid());
        assertThat(c.identity().mac()).isNotEqualTo(source.identity().mac());
        // the clone's guest continues from the cut, not from 0 (a cold boot would count from 0 again,
        // seconds behind): its first count is the source's between the request and COMPLETED
        VmId cloneId = clone;
        await("clone guest reports its count", Duration.ofSeconds(30), () -> h.requireVm(cloneId).guest().counter() >= 0);
        long first = h.requireVm(cloneId).guest().counter();
        long sourceThen = h.requireVm(source.id()).guest().counter();
        assertThat(first).as("the clone's first count continues the source's (%d at the request, %d at COMPLETED, %d now)", atRequest, atCompleted, sourceThen)
            .isBetween(atRequest, sourceThen + 1);
        await("clone guest to tick on", Duration.ofSeconds(60), () -> h.requireVm(cloneId).guest().counter() > first);
        long sourceNow = h.requireVm(source.id()).guest().counter();
        await("source guest to keep ticking", Duration.ofSeconds(60),
            () -> h.requireVm(source.id()).guest().counter() > sourceNow);
        JsonNode lineage = get(stack, "/api/v1/vms/" + clone.value() + "/lineage");
        assertThat(lineage.toString()).contains(source.id().value());

        // two disks: one pointer per disk, each over its own base frozen at the cut
        JsonNode disks = lineage.path("vm").path("disks");
        assertThat(disks.size()).as("lineage disks %s", disks).isEqualTo(2);
        assertThat(List.of(disks.get(0).path("device").asString(), disks.get(1).path("device").asString())).containsExactly("vda", "vdb");
        assertThat(disks.get(0).path("pointerId").asString()).isEqualTo(lineage.path("vm").path("storagePointer").asString());
        assertThat(disks.get(1).path("baseRef").asString()).endsWith(".vdb.storage.qcow2").contains(source.id().value())
            .isNotEqualTo(disks.get(0).path("baseRef").asString());
        Map<String, List<String>> chains = ((io.hotclone.hypervisor.libvirt.LibvirtHypervisor) h).backingChains(clone);
        assertThat(chains.get("vdb")).as("the clone's vdb").startsWith(disks.get(1).path("location").asString(), disks.get(1).path("baseRef").asString());
        UUID cloneOp = UUID.fromString(op.path("id").asString());
        org.springframework.jdbc.core.JdbcTemplate storage = new org.springframework.jdbc.core.JdbcTemplate(
            new org.springframework.jdbc.datasource.SingleConnectionDataSource(stack.jdbcUrl() + "?currentSchema=storage", "postgres", "postgres", true));
        assertThat(storage.queryForList(
                "SELECT kind || ':' || disk FROM storage_pointers WHERE clone_id = ? ORDER BY kind, disk", String.class, cloneOp))
            .as("storage-service's pointers of the clone operation")
            .containsExactly("CLONE:vda", "CLONE:vdb", "ORIGINAL:vda", "ORIGINAL:vdb");
        org.springframework.jdbc.core.JdbcTemplate memory = new org.springframework.jdbc.core.JdbcTemplate(
            new org.springframework.jdbc.datasource.SingleConnectionDataSource(stack.jdbcUrl() + "?currentSchema=memory", "postgres", "postgres", true));
        assertThat(memory.queryForObject("SELECT tier_order FROM memory_freezes WHERE clone_id = ?", String.class, cloneOp))
            .as("memory-freeze auto took the background snapshot: device state, vCPUs, then RAM write-protected")
            .isEqualTo("devices,vcpu,ram-write-protected");
      } finally {
        if (clone != null) {
          h.destroyVm(clone);
        }
        h.destroyVm(source.id());
      }
    }
  }

  /**
   * Placement on libvirt: {@code count: 4} without a target host, spread by the hosts' memory as
   * libvirt reports it, lands two clones on each host from one freeze; every clone runs and
   * continues from the same cut (the four copies are of one memory image, and each clone's first
   * guest count lies between the source's at the request and now), and nothing is left afterwards.
   */
  @Test
  void spreadPutsFourClonesOfOneFreezeTwoOnEachLibvirtHost() throws Exception {
    Hypervisor h = stack.hypervisor();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmInfo source = h.createVm(new VmSpec(new HostName("host-a"), "hc-spread-src-" + suffix, 128L << 20, 32L << 20));
    List<VmId> clones = new java.util.ArrayList<>();
    try {
      await("source guest to tick", Duration.ofSeconds(90), () -> h.requireVm(source.id()).guest().counter() >= 3);
      System.out.printf("capacity before: %s %s%n", h.capacity(new HostName("host-a")), h.capacity(new HostName("host-b")));
      long atRequest = h.requireVm(source.id()).guest().counter();

      JsonNode op = TestStack.cloneAndWait(stack.apiPort(),
          "{\"sourceVm\":\"" + source.id() + "\",\"count\":4,\"leaseMillis\":120000}", Duration.ofSeconds(300));
      op.path("clones").forEach(c -> clones.add(new VmId(c.path("vmId").asString())));

      assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
      assertThat(op.path("placement").asString()).isEqualTo("spread");
      List<String> hosts = new java.util.ArrayList<>();
      op.path("targetHosts").forEach(t -> hosts.add(t.asString()));
      assertThat(hosts).as("targetHosts of %s", op).hasSize(4);
      assertThat(hosts.stream().filter("host-a"::equals).count()).as("on host-a: %s", hosts).isEqualTo(2);
      assertThat(hosts.stream().filter("host-b"::equals).count()).as("on host-b: %s", hosts).isEqualTo(2);
      assertThat(clones).hasSize(4);
      for (JsonNode c : op.path("clones")) {
        VmInfo vm = h.requireVm(new VmId(c.path("vmId").asString()));
        assertThat(vm.host()).isEqualTo(new HostName(hosts.get(c.path("index").asInt())));
        assertThat(c.path("host").asString()).isEqualTo(vm.host().value());
        assertThat(vm.state()).isEqualTo(VmState.RUNNING);
      }
      // one freeze: the four copies are of one memory image, each to its clone's host
      UUID cloneOp = UUID.fromString(op.path("id").asString());
      org.springframework.jdbc.core.JdbcTemplate transfer = new org.springframework.jdbc.core.JdbcTemplate(
          new org.springframework.jdbc.datasource.SingleConnectionDataSource(stack.jdbcUrl() + "?currentSchema=transfer", "postgres", "postgres", true));
      assertThat(transfer.queryForList(
              "SELECT target_host FROM transfers WHERE clone_id = ? ORDER BY clone_index", String.class, cloneOp))
          .containsExactlyElementsOf(hosts);
      assertThat(transfer.queryForList("SELECT DISTINCT checksum FROM transfers WHERE clone_id = ?", String.class, cloneOp))
          .as("one memory image for all four").hasSize(1);
      // each clone's guest continues from the cut, not from 0, and ticks on
      for (VmId clone : clones) {
        await("clone guest " + clone + " reports its count", Duration.ofSeconds(60), () -> h.requireVm(clone).guest().counter() >= 0);
        long first = h.requireVm(clone).guest().counter();
        long sourceThen = h.requireVm(source.id()).guest().counter();
        assertThat(first).as("clone %s's count continues the source's (%d at the request, %d now)", clone, atRequest, sourceThen)
            .isBetween(atRequest, sourceThen + 1);
        await("clone guest " + clone + " to tick on", Duration.ofSeconds(60), () -> h.requireVm(clone).guest().counter() > first);
      }
    } finally {
      clones.forEach(h::destroyVm);
      h.destroyVm(source.id());
    }
    for (String host : List.of("host-a", "host-b")) {
      assertThat(h.vms(new HostName(host))).as("VMs left on %s", host)
          .noneMatch(v -> v.identity().name().contains(suffix) || clones.contains(v.id()));
    }
  }

  /**
   * Three clones of the agent guest in one request, one more in a later one: read back through
   * the agents on host-b, the five guests (source included) have five host names, machine ids,
   * MACs and IPs; the IP each clone's events publish is the one its guest reports, from host-b's
   * pool; each clone's kernel logged its reseed; the events record the link down first and up last.
   */
  @Test
  void clonesOfTheAgentGuestAreNewMachinesInsideTheGuest() throws Exception {
    Hypervisor h = stack.hypervisor();
    HostName a = new HostName("host-a");
    HostName b = new HostName("host-b");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmInfo source = h.createVm(new VmSpec(a, "hc-saga-agent-" + suffix, 128L << 20, 64L << 20, VmSpec.AGENT_IMAGE));
    List<VmId> clones = new ArrayList<>();
    try {
      await("the source's RNG is initialised (agent answers)", Duration.ofSeconds(120),
          () -> probe.answers(a, source.identity().name()) && dmesg(a, source.identity().name()).contains("random: crng init done"));
      String body = "{\"sourceVm\":\"" + source.id() + "\",\"targetHost\":\"host-b\",\"identityPolicy\":\"require-agent\",\"leaseMillis\":90000,\"count\":";
      JsonNode first = TestStack.cloneAndWait(stack.apiPort(), body + "3}", Duration.ofSeconds(240));
      first.path("clones").forEach(c -> clones.add(new VmId(c.path("vmId").asString())));
      assertThat(first.path("phase").asString()).as("operation %s", first).isEqualTo("COMPLETED");
      JsonNode second = TestStack.cloneAndWait(stack.apiPort(), body + "1}", Duration.ofSeconds(150));
      second.path("clones").forEach(c -> clones.add(new VmId(c.path("vmId").asString())));
      assertThat(second.path("phase").asString()).as("operation %s", second).isEqualTo("COMPLETED");

      Set<String> hostnames = new HashSet<>();
      Set<String> machineIds = new HashSet<>();
      Set<String> macs = new HashSet<>();
      Set<String> ips = new HashSet<>();
      hostnames.add(probe.hostname(a, source.identity().name()));
      machineIds.add(probe.exec(a, source.identity().name(), "cat", "/etc/machine-id").trim());
      macs.add(probe.nic(a, source.identity().name(), "eth0").mac());
      ips.add("source:" + probe.nic(a, source.identity().name(), "eth0").ipv4());
      List<JsonNode> published = new ArrayList<>();
      first.path("clones").forEach(published::add);
      second.path("clones").forEach(published::add);
      for (JsonNode c : published) {
        String name = c.path("name").asString();
        GuestProbe.Nic eth0 = probe.nic(b, name, "eth0");
        hostnames.add(probe.hostname(b, name));
        machineIds.add(probe.exec(b, name, "cat", "/etc/machine-id").trim());
        macs.add(eth0.mac());
        ips.add(eth0.ipv4().toString());
        assertThat(c.path("identityOutcome").asString()).isEqualTo("APPLIED");
        assertThat(eth0.ipv4()).as("the published IP is the guest's").containsExactly(c.path("ip").asString() + "/24");
        assertThat(c.path("ip").asString()).startsWith("10.231.8.");
        assertThat(eth0.mac()).isEqualToIgnoringCase(c.path("mac").asString());
        assertThat(probe.hostname(b, name)).isEqualTo(c.path("hostname").asString());
        assertThat(dmesg(b, name)).as(name + " reseeded").contains("crng reseeded due to virtual machine fork");
        JsonNode steps = c.path("identitySteps");
        assertThat(steps.get(0).path("name").asString()).isEqualTo("link-down");
        assertThat(steps.get(steps.size() - 1).path("name").asString()).isEqualTo("link-up");
        assertThat(steps.get(steps.size() - 1).path("status").asString()).isEqualTo("APPLIED");
        assertThat(get(stack, "/api/v1/vms/" + c.path("vmId").asString()).path("guestIdentity").path("outcome").asString())
            .isEqualTo("APPLIED");
      }
      System.out.printf("hostnames %s%nmachine ids %s%nMACs %s%nIPs %s%n", hostnames, machineIds, macs, ips);
      assertThat(hostnames).hasSize(5);
      assertThat(machineIds).hasSize(5);
      assertThat(macs).hasSize(5);
      assertThat(ips).hasSize(5);
    } finally {
      clones.forEach(h::destroyVm);
      h.destroyVm(source.id());
    }
  }

  /**
   * A warm pool of the agent guest: its ready clone (on the source's host until placement lands)
   * runs with its identity applied and its NIC without carrier inside the guest (standby); a claim
   * brings the link up: the claimed guest has carrier, its own hostname, machine id and MAC. The
   * claim's latency is printed. The pool is scaled to 0 before the claim so no refill is left behind.
   */
  @Test
  void aClaimFromAWarmPoolOfTheAgentGuestHandsOutARunningNewMachineWithItsLinkUp() throws Exception {
    Hypervisor h = stack.hypervisor();
    HostName a = new HostName("host-a");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmInfo source = h.createVm(new VmSpec(a, "hc-pool-agent-" + suffix, 128L << 20, 64L << 20, VmSpec.AGENT_IMAGE));
    String pool = "agents-" + suffix;
    List<VmId> made = new ArrayList<>();
    try {
      await("the source's agent answers", Duration.ofSeconds(120),
          () -> probe.answers(a, source.identity().name()) && dmesg(a, source.identity().name()).contains("random: crng init done"));
      TestStack.Response created = TestStack.send(stack.apiPort(), "POST", "/api/v1/pools",
          "{\"name\":\"" + pool + "\",\"sourceVm\":\"" + source.id() + "\",\"minReady\":1,\"maxSize\":1,"
              + "\"identityPolicy\":\"require-agent\"}", Map.of());
      assertThat(created.status()).as("%s", created.text()).isEqualTo(201);
      await("one ready clone in the pool", Duration.ofSeconds(240),
          () -> get(stack, "/api/v1/pools/" + pool).path("ready").asInt() == 1);
      assertThat(TestStack.send(stack.apiPort(), "PUT", "/api/v1/pools/" + pool + "/scale", "{\"replicas\":0}", Map.of()).status())
          .isEqualTo(200);
      JsonNode before = null;
      for (JsonNode vm : TestStack.send(stack.apiPort(), "GET", "/api/v1/vms?label=hotclone.io/pool=" + pool, null, Map.of()).body()) {
        before = vm;
      }
      assertThat(before).as("the ready clone listed by its pool label").isNotNull();
      made.add(new VmId(before.path("id").asString()));
      String name = before.path("name").asString();
      HostName at = new HostName(before.path("host").asString()); // where the pool's placement put it
      assertThat(before.path("guestIdentity").path("outcome").asString()).isEqualTo("APPLIED");
      assertThat(probe.exec(at, name, "cat", "/sys/class/net/eth0/carrier").trim()).as("standby: no carrier in the guest").isEqualTo("0");

      long t0 = System.nanoTime();
      TestStack.Response claimed = TestStack.send(stack.apiPort(), "POST", "/api/v1/pools/" + pool + "/claims", null, Map.of());
      double millis = (System.nanoTime() - t0) / 1e6;
      assertThat(claimed.status()).as("%s", claimed.text()).isEqualTo(201);
      System.out.printf("libvirt pool claim: %.1f ms round trip (agent guest)%n", millis);
      assertThat(claimed.body().path("id").asString()).isEqualTo(before.path("id").asString());
      assertThat(probe.exec(at, name, "cat", "/sys/class/net/eth0/carrier").trim()).as("claimed: carrier in the guest").isEqualTo("1");
      assertThat(probe.liveXml(at, name)).doesNotContain("state='down'").doesNotContain("state=\"down\"");
      assertThat(probe.hostname(at, name)).isEqualTo(claimed.body().path("hostname").asString())
          .isNotEqualTo(probe.hostname(a, source.identity().name()));
      assertThat(probe.exec(at, name, "cat", "/etc/machine-id").trim())
          .isNotEqualTo(probe.exec(a, source.identity().name(), "cat", "/etc/machine-id").trim());
      assertThat(probe.nic(at, name, "eth0").mac()).isEqualToIgnoringCase(claimed.body().path("mac").asString())
          .isNotEqualToIgnoringCase(probe.nic(a, source.identity().name(), "eth0").mac());
      assertThat(TestStack.send(stack.apiPort(), "DELETE", "/api/v1/pools/" + pool, null, Map.of()).status()).isEqualTo(204);
    } finally {
      TestStack.send(stack.apiPort(), "DELETE", "/api/v1/pools/" + pool, null, Map.of());
      made.forEach(vm -> h.findVm(vm).ifPresent(v -> h.destroyVm(vm)));
      h.destroyVm(source.id());
    }
  }

  private static String dmesg(HostName host, String name) {
    try {
      return probe.exec(host, name, "dmesg");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set: run scripts/libvirt/setup.sh and source .work/libvirt.env");
    }
    return v;
  }

  private static JsonNode get(DevStack stack, String path) {
    return TestStack.send(stack.apiPort(), "GET", path, null, Map.of()).body();
  }
}
