package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's libvirt calls against libvirt's in-process {@code test:///default} driver (needs
 * only libvirt0; runs with {@code -Plibvirt}). Its running domain {@code test} stands in for a
 * source VM. The QEMU-specific steps (external snapshots, restore) are covered by the IT.
 */
class TestDriverLibvirtTest {
  private static final HostName A = new HostName("host-a");
  private static final HostName B = new HostName("host-b");
  private static final String URI = "test:///default";

  @TempDir Path dir;
  private LibvirtHypervisor hv;
  private Hosts hosts;

  @BeforeEach
  void setUp() {
    LibvirtOptions options = LibvirtOptions.of(dir.resolve("shared"), Map.of(A, dir.resolve("a"), B, dir.resolve("b")));
    hv = new LibvirtHypervisor(Map.of(A, URI, B, URI), options, Clock.systemUTC(), Duration.ofMillis(20));
    hosts = new Hosts(Map.of(A, URI), new PauseMeter());
  }

  @AfterEach
  void tearDown() {
    try (DomainRef d = testDomain()) {
      if (d.state() == VmState.PAUSED) {
        d.domain().resume();
      }
    } catch (org.libvirt.LibvirtException e) {
      throw new IllegalStateException(e);
    } finally {
      hosts.close();
      hv.close();
    }
  }

  /**
   * A closed driver opens no connection: a watchdog tick that outlives close() would otherwise
   * open one whose lifecycle callback libvirt keeps calling after the driver, and with it the
   * callback's native trampoline, was collected (the forked test JVM died of SIGSEGV in libvirt's
   * event loop thread once).
   */
  @Test
  void givenClosedHosts_whenAConnectionIsAsked_thenNoneIsOpened() {
    Hosts closed = new Hosts(Map.of(A, URI), new PauseMeter());
    assertThat(closed.reachable(A)).isTrue();
    closed.close();
    assertThatThrownBy(() -> closed.connect(A))
        .isInstanceOf(HypervisorException.HostUnreachable.class)
        .hasMessageContaining("closed");
  }

  @Test
  void givenTwoHosts_whenListed_thenBothAreReachableWithTheirUris() {
    assertThat(hv.driverName()).isEqualTo("libvirt");
    assertThat(hv.hosts()).extracting(HostInfo::name).containsExactlyInAnyOrder(A, B);
    assertThat(hv.hosts()).allSatisfy(h -> {
      assertThat(h.reachable()).isTrue();
      assertThat(h.uri()).isEqualTo(URI);
      assertThat(h.runningVms()).isPositive();
    });
  }

  @Test
  void givenTheTestDomain_whenFound_thenItsIdentityAndStateComeFromLibvirt() {
    VmInfo test = hv.vms(A).stream().filter(v -> v.identity().name().equals("test")).findFirst().orElseThrow();
    assertThat(test.state()).isEqualTo(VmState.RUNNING);
    assertThat(test.identity().mac()).isEqualTo("aa:bb:cc:dd:ee:ff");
    assertThat(test.memoryBytes()).isEqualTo(2097152L * 1024);
    assertThat(test.storagePointer()).isEqualTo("/guest/diskimage1");
    assertThat(test.parent()).isNull();
    assertThat(hv.findVm(test.id())).map(VmInfo::id).contains(test.id());
    assertThat(hv.findVm(new VmId(UUID.randomUUID().toString()))).isEmpty();
    assertThat(hv.findVm(new VmId("test"))).as("a name is not a VM id").isEmpty();
    assertThatThrownBy(() -> hv.requireVm(new VmId(UUID.randomUUID().toString()))).isInstanceOf(HypervisorException.VmNotFound.class);
  }

  @Test
  void givenTheTestHost_whenCapacityIsAsked_thenNodeMemoryAndTheActiveDomainsMemoryComeFromLibvirt() throws Exception {
    long nodeKiB = hosts.connect(A).nodeInfo().memory;
    long domainKiB;
    try (DomainRef d = testDomain()) {
      domainKiB = d.domain().getMaxMemory();
    }

    io.hotclone.hypervisor.HostCapacity c = hv.capacity(A);

    assertThat(c.host()).isEqualTo(A);
    assertThat(c.totalMemoryBytes()).isEqualTo(nodeKiB * 1024).isPositive();
    assertThat(c.vms()).isEqualTo(1);
    assertThat(c.vmMemoryBytes()).isEqualTo(domainKiB * 1024).isPositive();
    assertThat(c.freeMemoryBytes()).isBetween(0L, c.totalMemoryBytes());
  }

  @Test
  void givenAVolumeDeletedAfterItWasListed_whenItsBackingIsRead_thenItBacksNothing() throws Exception {
    // a clone's start deletes its state image while a release or delete lists the pool's volumes
    org.libvirt.StoragePool pool = hosts.connect(A).storagePoolLookupByName("default-pool");
    org.libvirt.StorageVol vol = pool.storageVolCreateXML(
        "<volume><name>gone.state.img</name><capacity unit='bytes'>1048576</capacity></volume>", 0);
    try {
      pool.storageVolLookupByName("gone.state.img").delete(0);

      assertThat(Pools.backingOf(vol)).isEmpty();
    } finally {
      vol.free();
    }
  }

  @Test
  void givenASuspendAndResume_whenMeasured_thenThePauseComesFromLifecycleEvents() throws Exception {
    try (DomainRef d = testDomain()) {
      long since = System.nanoTime();
      d.domain().suspend();
      assertThat(d.state()).as("virDomainGetState through JNA").isEqualTo(VmState.PAUSED);
      Thread.sleep(60); // the pause being measured, not an assertion
      d.domain().resume();
      OptionalLong pause = hosts.pauses().pauseSince(d.id().value(), since, Duration.ofSeconds(5));
      assertThat(pause).isPresent();
      assertThat(pause.getAsLong()).isBetween(Duration.ofMillis(55).toNanos(), Duration.ofSeconds(5).toNanos());
      assertThat(hosts.pauses().pauseSince(d.id().value(), System.nanoTime(), Duration.ofMillis(50))).as("no later pause").isEmpty();
    }
  }

  @Test
  void givenAFreezeLeftPaused_whenItsLeaseExpires_thenTheWatchdogResumesTheSource() throws Exception {
    try (DomainRef d = testDomain();
        Leases leases = new Leases(hosts, Clock.systemUTC(), Duration.ofMillis(10), new Thawer(hosts)::thaw)) {
      UUID clone = UUID.randomUUID();
      leases.holdStorage(OperationId.of(clone, "freeze-storage"), d, Duration.ofMillis(100));
      d.domain().suspend(); // a freeze stuck in its paused phase
      await(() -> d.state() == VmState.RUNNING, Duration.ofSeconds(10));
      assertThatThrownBy(() -> leases.holdMemory(OperationId.of(clone, "freeze-memory"), d, Duration.ofSeconds(1)))
          .isInstanceOf(HypervisorException.LeaseExpired.class);
    }
  }

  /**
   * The lease lives on the domain, not in the process that took it: a second driver instance (as
   * another service process would) that never took it finds it expired and thaws it, while the
   * instance that took it never runs its watchdog (as if killed); then the taker sees the expiry.
   */
  @Test
  void givenALeaseTakenByOneInstance_whenItExpires_thenAnotherInstanceThawsItAndTheTakerSeesLeaseExpired() throws Exception {
    try (DomainRef d = testDomain();
        Hosts otherHosts = new Hosts(Map.of(A, URI), new PauseMeter());
        Leases taker = new Leases(hosts, Clock.systemUTC(), Duration.ofDays(1), l -> {});
        Leases other = new Leases(otherHosts, Clock.systemUTC(), Duration.ofMillis(20), new Thawer(otherHosts)::thaw)) {
      UUID clone = UUID.randomUUID();
      taker.holdStorage(OperationId.of(clone, "freeze-storage"), d, Duration.ofMillis(300));
      taker.holdMemory(OperationId.of(clone, "freeze-memory"), d, Duration.ofMillis(300));
      assertThat(Leases.book(d).find(clone).orElseThrow().held()).as("the lease is on the domain").isTrue();
      d.domain().suspend();

      await(() -> d.state() == VmState.RUNNING, Duration.ofSeconds(10));

      assertThat(Leases.book(d).find(clone).orElseThrow().state()).isEqualTo(FreezeBook.State.EXPIRED);
      assertThatThrownBy(() -> taker.requireLive(OperationId.of(clone, "copy"), d.id(), "memory"))
          .isInstanceOf(HypervisorException.LeaseExpired.class);
      assertThat(taker.endForGood(clone)).as("compensation still finds it").isPresent();
    }
  }

  @Test
  void givenADriverWithoutExternalSnapshots_whenStorageIsFrozen_thenATypedDriverFailure() {
    VmId test = testId();
    assertThatThrownBy(() -> hv.freezeStorage(OperationId.of(UUID.randomUUID(), "freeze-storage"), test, Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(HypervisorException.DriverFailure.class, e -> assertThat(e.code()).isEqualTo("driver-failure"))
        .hasMessageContaining("disk-only snapshot");
    assertThatThrownBy(() -> hv.freezeMemory(OperationId.of(UUID.randomUUID(), "freeze-memory"), test, Duration.ofSeconds(30)))
        .as("memory freeze needs the storage freeze of the same clone id")
        .isInstanceOf(HypervisorException.NotFrozen.class);
  }

  @Test
  void givenAnIdentityInUse_whenACloneIsConfigured_thenIdentityConflict() {
    VmId test = testId();
    OperationId op = OperationId.of(UUID.randomUUID(), "configure", 1);
    CopiedState state = new CopiedState(op, test, B, dir.resolve("b/x.img").toString(), 1, 1, 0, "sha256:00");
    StoragePointer disk = new StoragePointer("p", B, dir.resolve("shared/p.qcow2").toString(), "base");
    VmIdentity sameName = new VmIdentity("test", UUID.randomUUID(), "52:54:00:00:00:01", null, null, null, null);
    VmIdentity sameMac = new VmIdentity("fresh", UUID.randomUUID(), "AA:BB:CC:DD:EE:FF", null, null, null, null);
    assertThatThrownBy(() -> hv.configureClone(op, new CloneSpec(test, state, disk, sameName)))
        .isInstanceOf(HypervisorException.IdentityConflict.class)
        .hasMessageContaining("name test");
    assertThatThrownBy(() -> hv.configureClone(OperationId.of(UUID.randomUUID(), "configure"), new CloneSpec(test, state, disk, sameMac)))
        .isInstanceOf(HypervisorException.IdentityConflict.class)
        .hasMessageContaining("MAC");
  }

  @Test
  void givenNothingHeld_whenThawedReleasedOrDestroyed_thenEverythingSucceeds() {
    VmId test = testId();
    UUID clone = UUID.randomUUID();
    assertThat(hv.unfreezeMemory(OperationId.of(clone, "unfreeze-memory"), test).alreadyThawed()).isTrue();
    assertThat(hv.unfreezeStorage(OperationId.of(clone, "unfreeze-storage"), test).alreadyThawed()).isTrue();
    hv.destroyVm(new VmId(UUID.randomUUID().toString()));
    assertThat(hv.findVm(test)).map(VmInfo::state).contains(VmState.RUNNING);
  }

  @Test
  void givenNoGuestImage_whenAVmIsCreated_thenUnsupported() {
    assertThatThrownBy(() -> hv.createVm(new VmSpec(A, "x", 64 << 20, 64 << 20))).isInstanceOf(HypervisorException.Unsupported.class);
  }

  @Test
  void givenAnUnknownHost_whenCopying_thenHostNotFound() {
    assertThatThrownBy(() -> hv.copyState(OperationId.of(UUID.randomUUID(), "copy"), testId(), new HostName("nowhere")))
        .isInstanceOf(HypervisorException.HostNotFound.class);
  }

  private VmId testId() {
    try (DomainRef d = testDomain()) {
      return d.id();
    }
  }

  private DomainRef testDomain() {
    try {
      return new DomainRef(A, hosts.connect(A).domainLookupByName("test"));
    } catch (org.libvirt.LibvirtException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(20);
    }
  }
}
