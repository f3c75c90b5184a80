package io.hotclone.hypervisor.embedded;

import static io.hotclone.hypervisor.embedded.EmbeddedFixture.A;
import static io.hotclone.hypervisor.embedded.EmbeddedFixture.B;
import static io.hotclone.hypervisor.embedded.EmbeddedFixture.LEASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.MemoryThaw;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.StorageThaw;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedHypervisorTest {
  private final EmbeddedFixture f = new EmbeddedFixture();
  private final EmbeddedHypervisor hv = f.hv;

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void memoryTiersFreezeSlowestFirstAndOnlyTheRegisterCapturePauses() {
    VmId vm = f.newVm("vm");
    UUID id = UUID.randomUUID();
    hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE);

    MemoryFreeze mf = hv.freezeMemory(OperationId.of(id, "fm"), vm, LEASE);

    assertThat(mf.tierOrder()).containsExactly("swap", "ram", "device-state", "vcpu-registers");
    assertThat(hv.isMemoryFrozen(vm, "swap")).isTrue();
    assertThat(hv.isMemoryFrozen(vm, "ram")).isTrue();
    assertThat(mf.pauseNanos()).isPositive();
    assertThat(mf.memoryBytes()).isEqualTo(1 << 20);
    assertThat(mf.baseRef()).isNotEqualTo(hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE).baseRef());
    long atFreeze = f.counter(vm);
    assertThat(f.advance(vm, 5)).as("guest keeps running while frozen").isGreaterThan(atFreeze);
  }

  @Test
  void callsAndEffectsAreCountedPerOperationAndAnInjectedFailureRunsNothing() {
    VmId vm = f.newVm("vm");
    UUID id = UUID.randomUUID();
    hv.failNextOperation(id, "fs", "injected");
    assertThatThrownBy(() -> hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE))
        .isInstanceOf(HypervisorException.DriverFailure.class).hasMessageContaining("injected");
    assertThat(hv.isStorageFrozen(vm)).isFalse();

    hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE);
    hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE);

    assertThat(hv.isStorageFrozen(vm)).isTrue();
    assertThat(hv.operationCalls(id)).containsExactly(java.util.Map.entry("fs", 3));
    assertThat(hv.operationEffects(id)).containsExactly(java.util.Map.entry("fs", 1));
    hv.unfreezeStorage(OperationId.of(id, "us"), vm);
    assertThat(hv.isStorageFrozen(vm)).isFalse();
  }

  @Test
  void aFailureArmedForOneCloneLeavesTheSameStepOfAConcurrentCloneAlone() {
    VmId vmX = f.newVm("x");
    VmId vmY = f.newVm("y");
    UUID x = UUID.randomUUID();
    UUID y = UUID.randomUUID();
    hv.freezeStorage(OperationId.of(x, "fs"), vmX, LEASE);
    hv.freezeStorage(OperationId.of(y, "fs"), vmY, LEASE);
    hv.failNextOperation(x, "fm", "injected for x");

    // both clones are in flight; y's call of the step comes first and is not the one armed
    hv.freezeMemory(OperationId.of(y, "fm"), vmY, LEASE);
    assertThatThrownBy(() -> hv.freezeMemory(OperationId.of(x, "fm"), vmX, LEASE))
        .isInstanceOf(HypervisorException.DriverFailure.class).hasMessage("injected for x");

    assertThat(hv.isMemoryFrozen(vmY, "ram")).as("y's memory freeze ran").isTrue();
    assertThat(hv.isMemoryFrozen(vmX, "ram")).as("x's memory freeze ran nothing").isFalse();
    assertThat(hv.operationEffects(y)).containsEntry("fm", 1);
    assertThat(hv.operationEffects(x)).doesNotContainKey("fm");
    hv.unfreezeMemory(OperationId.of(y, "um"), vmY);
    hv.unfreezeStorage(OperationId.of(y, "us"), vmY);
    hv.unfreezeStorage(OperationId.of(x, "us"), vmX);
  }

  @Test
  void aFailureArmedWhileTheCallIsHeldFailsItOnceLetGo() throws Exception {
    VmId vm = f.newVm("vm");
    UUID id = UUID.randomUUID();
    Runnable gate = hv.holdNextOperation("fs");
    CompletableFuture<StorageFreeze> call = CompletableFuture.supplyAsync(
        () -> hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE));
    EmbeddedFixture.await(() -> hv.operationCalls(id).containsKey("fs"), "the call is held");

    hv.failNextOperation(id, "fs", "injected while held");
    gate.run();

    assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(HypervisorException.DriverFailure.class).hasRootCauseMessage("injected while held");
    assertThat(hv.isStorageFrozen(vm)).isFalse();
  }

  @Test
  void writesToFrozenMemoryGoToBuffersThatTheThawMerges() {
    VmId vm = f.newVm("vm");
    f.advance(vm, 20);
    UUID id = UUID.randomUUID();
    hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE);
    hv.freezeMemory(OperationId.of(id, "fm"), vm, LEASE);
    f.advance(vm, 30);
    hv.pauseGuest(vm);
    int buffered = hv.bufferedPages(vm);
    assertThat(buffered).isPositive();
    assertThat(hv.verifyGuest(vm).mismatches()).as("reads see the buffers").isEmpty();
    hv.resumeGuest(vm);

    MemoryThaw thaw = hv.unfreezeMemory(OperationId.of(id, "um"), vm);

    assertThat(thaw.alreadyThawed()).isFalse();
    assertThat(thaw.mergedPages()).isGreaterThanOrEqualTo(buffered);
    assertThat(hv.bufferedPages(vm)).isZero();
    assertThat(hv.isMemoryFrozen(vm, "ram")).isFalse();
    f.advance(vm, 10);
    hv.pauseGuest(vm);
    assertThat(hv.verifyGuest(vm).mismatches()).isEmpty();
  }

  @Test
  void anExpiredLeaseIsThawedByTheWatchdogAndLaterStepsFail() {
    VmId vm = f.newVm("vm");
    UUID id = UUID.randomUUID();
    Duration shortLease = Duration.ofMillis(50);
    // the storage lease outlives the gap between the two calls (on a loaded machine that gap passed
    // 50 ms once, and the memory freeze met an expired lease); the memory lease is the short one,
    // and its expiry thaws both
    hv.freezeStorage(OperationId.of(id, "fs"), vm, Duration.ofSeconds(30));
    hv.freezeMemory(OperationId.of(id, "fm"), vm, shortLease);

    EmbeddedFixture.await(() -> !hv.isMemoryFrozen(vm, "ram") && hv.bufferedPages(vm) == 0,
        "the watchdog thaws the memory");

    assertThatThrownBy(() -> hv.copyState(OperationId.of(id, "copy"), vm, B))
        .isInstanceOf(HypervisorException.LeaseExpired.class);
    assertThatThrownBy(() -> hv.createClonePointer(OperationId.of(id, "ptr"), vm, B))
        .isInstanceOf(HypervisorException.LeaseExpired.class);
    assertThat(hv.unfreezeMemory(OperationId.of(id, "um"), vm).alreadyThawed()).isTrue();
    assertThat(hv.unfreezeStorage(OperationId.of(id, "us"), vm).alreadyThawed()).isTrue();
    f.advance(vm, 5);
    hv.pauseGuest(vm);
    assertThat(hv.verifyGuest(vm).mismatches()).isEmpty();
  }

  @Test
  void everyOperationRepeatedWithTheSameIdHasOneEffect() throws Exception {
    VmId vm = f.newVm("vm");
    f.advance(vm, 2); // the guest has ticked before the cut, so the clone's counter proves it continues
    UUID id = UUID.randomUUID();
    OperationId fs = OperationId.of(id, "fs");
    StorageFreeze sf = hv.freezeStorage(fs, vm, LEASE);
    StorageStats afterFreeze = hv.storageStats();
    assertThat(hv.freezeStorage(fs, vm, LEASE)).isEqualTo(sf);
    assertThat(hv.storageStats().liveLayers()).isEqualTo(afterFreeze.liveLayers());

    OperationId fm = OperationId.of(id, "fm");
    MemoryFreeze mf = hv.freezeMemory(fm, vm, LEASE);
    assertThat(hv.freezeMemory(fm, vm, LEASE)).isEqualTo(mf);

    OperationId copy = OperationId.of(id, "copy", 1);
    CopiedState cs = hv.copyState(copy, vm, B);
    assertThat(hv.copyState(copy, vm, B)).isEqualTo(cs);
    try (var images = Files.list(f.dir.resolve("hosts/host-b/images"))) {
      assertThat(images.count()).isEqualTo(1);
    }

    OperationId um = OperationId.of(id, "um");
    MemoryThaw thaw = hv.unfreezeMemory(um, vm);
    assertThat(hv.unfreezeMemory(um, vm)).isEqualTo(thaw);
    assertThat(hv.unfreezeMemory(OperationId.of(id, "um-again"), vm).alreadyThawed()).isTrue();
    OperationId us = OperationId.of(id, "us");
    StorageThaw st = hv.unfreezeStorage(us, vm);
    assertThat(hv.unfreezeStorage(us, vm)).isEqualTo(st);
    assertThat(st.alreadyThawed()).isFalse();

    OperationId ptr = OperationId.of(id, "ptr", 1);
    StoragePointer p = hv.createClonePointer(ptr, vm, B);
    int layers = hv.storageStats().liveLayers();
    assertThat(hv.createClonePointer(ptr, vm, B)).isEqualTo(p);
    assertThat(hv.storageStats().liveLayers()).isEqualTo(layers);

    OperationId conf = OperationId.of(id, "conf", 1);
    CloneSpec spec = new CloneSpec(vm, cs, p, EmbeddedFixture.identity("clone"));
    VmInfo configured = hv.configureClone(conf, spec);
    assertThat(hv.configureClone(conf, spec)).isEqualTo(configured);
    assertThat(hv.vms(B)).hasSize(1);

    OperationId start = OperationId.of(id, "start", 1);
    VmInfo started = hv.startClone(start, configured.id());
    assertThat(hv.startClone(start, configured.id())).isEqualTo(started);
    assertThat(started.state()).isEqualTo(VmState.RUNNING);
    assertThat(started.guest().counter()).isEqualTo(configured.guest().counter()).isPositive();
  }

  @Test
  void identitiesStayUniqueAcrossManyClones() {
    VmId src = f.newVm("golden");
    f.advance(src, 5);
    List<VmInfo> clones = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      EmbeddedFixture.Clone c = f.cloneOf(src, 1, 1, EmbeddedFixture.identity("clone-" + i));
      clones.add(hv.startClone(OperationId.of(c.cloneId(), "start", 1), c.configured().id()));
    }
    List<VmInfo> all = new ArrayList<>(clones);
    all.add(hv.requireVm(src));
    all.add(hv.requireVm(f.newVm("another-root")));
    Set<String> names = new HashSet<>();
    Set<UUID> uuids = new HashSet<>();
    Set<String> macs = new HashSet<>();
    Set<String> ips = new HashSet<>();
    for (VmInfo vm : all) {
      assertThat(names.add(vm.identity().name())).isTrue();
      assertThat(uuids.add(vm.identity().uuid())).isTrue();
      assertThat(macs.add(vm.identity().mac())).isTrue();
      assertThat(ips.add(vm.identity().ip())).isTrue();
      assertThat(vm.identity().mac()).matches("52:54:0[01](:[0-9a-f]{2}){3}");
    }

    VmIdentity taken = clones.get(3).identity();
    VmIdentity fresh = EmbeddedFixture.identity("fresh");
    List<VmIdentity> conflicting = List.of(
        new VmIdentity(taken.name(), UUID.randomUUID(), fresh.mac(), "h", fresh.ip(), "s", UUID.randomUUID()),
        new VmIdentity("n1", taken.uuid(), fresh.mac(), "h", fresh.ip(), "s", UUID.randomUUID()),
        new VmIdentity("n2", UUID.randomUUID(), taken.mac(), "h", fresh.ip(), "s", UUID.randomUUID()),
        new VmIdentity("n3", UUID.randomUUID(), fresh.mac(), "h", taken.ip(), "s", UUID.randomUUID()));
    for (VmIdentity bad : conflicting) {
      assertThatThrownBy(() -> f.cloneOf(src, 1, 1, bad))
          .isInstanceOf(HypervisorException.IdentityConflict.class);
    }
    assertThatThrownBy(() -> hv.createVm(new VmSpec(A, "golden", 1 << 20, 1 << 20)))
        .isInstanceOf(HypervisorException.IdentityConflict.class);

    hv.destroyVm(clones.get(3).id());
    VmInfo reused = f.cloneOf(src, 1, 1, taken).configured();
    assertThat(reused.identity()).isEqualTo(taken);
  }

  @Test
  void aCorruptImageIsDetected() throws Exception {
    VmId vm = f.newVm("vm");
    f.advance(vm, 10);
    UUID id = UUID.randomUUID();
    hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE);
    hv.freezeMemory(OperationId.of(id, "fm"), vm, LEASE);
    CopiedState cs = hv.copyState(OperationId.of(id, "copy"), vm, B);
    hv.unfreezeMemory(OperationId.of(id, "um"), vm);
    hv.unfreezeStorage(OperationId.of(id, "us"), vm);
    StoragePointer p = hv.createClonePointer(OperationId.of(id, "ptr"), vm, B);
    Path image = f.dir.resolve(cs.imageRef());
    assertThat(cs.checksum()).startsWith("crc32c:");
    assertThat(cs.pagesCopied()).isPositive();
    assertThat(cs.pagesCopied() + cs.zeroPagesSkipped()).isEqualTo((1 << 20) / 4096);
    try (RandomAccessFile raf = new RandomAccessFile(image.toFile(), "rw")) {
      long at = raf.length() / 2;
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x40);
    }

    assertThatThrownBy(() -> hv.configureClone(OperationId.of(id, "conf"),
        new CloneSpec(vm, cs, p, EmbeddedFixture.identity("clone"))))
        .isInstanceOf(HypervisorException.CorruptImage.class);
    assertThat(hv.vms(B)).isEmpty();
  }

  @Test
  void anUnreachableTargetFailsTheCopyAndReleaseThawsAndCleansUp() throws Exception {
    VmId vm = f.newVm("vm");
    UUID id = UUID.randomUUID();
    hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE);
    hv.freezeMemory(OperationId.of(id, "fm"), vm, LEASE);
    hv.copyState(OperationId.of(id, "copy", 1), vm, B);
    hv.setHostReachable(B, false);

    assertThatThrownBy(() -> hv.copyState(OperationId.of(id, "copy", 2), vm, B))
        .isInstanceOf(HypervisorException.HostUnreachable.class);
    assertThatThrownBy(() -> hv.vms(B)).isInstanceOf(HypervisorException.HostUnreachable.class);

    hv.release(id);
    hv.release(id);
    assertThat(hv.isMemoryFrozen(vm, "swap")).isFalse();
    assertThat(hv.bufferedPages(vm)).isZero();
    try (var images = Files.list(f.dir.resolve("hosts/host-b/images"))) {
      assertThat(images.count()).isZero();
    }
    assertThat(hv.unfreezeStorage(OperationId.of(id, "us"), vm).alreadyThawed()).isTrue();
    hv.setHostReachable(B, true);
    assertThat(hv.vms(B)).isEmpty();
  }

  @Test
  void aVmClonedManyTimesKeepsAShortLayerChainAndLosesNoWrite() {
    VmId golden = f.newVm("golden");
    f.advance(golden, 10);
    for (int i = 0; i < 15; i++) {
      EmbeddedFixture.Clone c = f.cloneOf(golden, 2, 2, EmbeddedFixture.identity("c" + i));
      hv.startClone(OperationId.of(c.cloneId(), "start", 1), c.configured().id());
      f.advance(c.configured().id(), 2);
      hv.release(c.cloneId()); // ends the pin on the cut
      hv.destroyVm(c.configured().id());
      // the next freeze absorbs the earlier bases: top, cut base and storage base of the last clone
      assertThat(hv.storageStats().liveLayers()).isLessThanOrEqualTo(3);
    }
    f.advance(golden, 5);
    hv.pauseGuest(golden);
    assertThat(hv.verifyGuest(golden).mismatches()).isEmpty();
    hv.destroyVm(golden);
    assertThat(hv.storageStats()).isEqualTo(new StorageStats(0, 0, 0));
  }

  @Test
  void destroyingEveryVmReturnsAllBlocksAndReferences() {
    VmId src = f.newVm("src");
    f.advance(src, 10);
    EmbeddedFixture.Clone c1 = f.cloneOf(src, 2, 2, EmbeddedFixture.identity("c1"));
    hv.startClone(OperationId.of(c1.cloneId(), "start", 1), c1.configured().id());
    EmbeddedFixture.Clone c2 = f.cloneOf(c1.configured().id(), 2, 2, EmbeddedFixture.identity("c2"));
    UUID abandoned = UUID.randomUUID();
    hv.freezeStorage(OperationId.of(abandoned, "fs"), src, LEASE);
    hv.freezeMemory(OperationId.of(abandoned, "fm"), src, LEASE);
    hv.createClonePointer(OperationId.of(abandoned, "ptr"), src, B);
    hv.release(abandoned);
    assertThat(hv.storageStats().liveBlocks()).isPositive();

    hv.destroyVm(c1.configured().id());
    hv.destroyVm(src);
    hv.destroyVm(c2.configured().id());
    hv.destroyVm(src);

    assertThat(hv.storageStats()).isEqualTo(new StorageStats(0, 0, 0));
    assertThat(hv.findVm(src)).isEmpty();
  }

  @Test
  void aCloneOfAGuestWithoutAnAgentIsIsolatedWithItsLinkHeldDownAndSaysWhy() {
    VmId withAgent = f.newVm("agent");
    VmId without = f.newVm("no-agent");
    hv.removeGuestAgent(without);

    VmInfo applied = f.cloneOf(withAgent, 1, 1, EmbeddedFixture.identity("c-agent")).configured();
    VmInfo isolated = f.cloneOf(without, 1, 1, EmbeddedFixture.identity("c-no-agent")).configured();

    assertThat(applied.guestIdentity().outcome()).isEqualTo(io.hotclone.hypervisor.GuestIdentity.Outcome.APPLIED);
    var guest = isolated.guestIdentity();
    assertThat(guest.outcome()).isEqualTo(io.hotclone.hypervisor.GuestIdentity.Outcome.ISOLATED);
    assertThat(guest.agent()).isFalse();
    var linkUp = guest.items().stream().filter(i -> i.name().equals("link-up")).findFirst().orElseThrow();
    assertThat(linkUp.status()).isEqualTo(io.hotclone.hypervisor.GuestIdentity.Status.SKIPPED);
    assertThat(linkUp.detail()).startsWith("held down").contains("policy isolate");
    assertThat(guest.items()).filteredOn(i -> i.name().equals("hostname"))
        .singleElement().satisfies(i -> assertThat(i.detail()).isEqualTo("no guest agent answered"));
  }

  @Test
  void aStandbyCloneRunsWithItsIdentityAndItsLinkDownUntilBringLinksUp() {
    VmId source = f.newVm("pool-src");
    EmbeddedFixture.Clone c = f.cloneOf(source, 1, 1, EmbeddedFixture.identity("pool-1"), true);
    VmInfo started = hv.startClone(OperationId.of(c.cloneId(), "start", 1), c.configured().id());

    var guest = started.guestIdentity();
    assertThat(guest.outcome()).isEqualTo(io.hotclone.hypervisor.GuestIdentity.Outcome.APPLIED);
    assertThat(guest.linkUp()).isFalse();
    assertThat(guest.standby()).isTrue();
    assertThat(guest.items()).filteredOn(i -> i.name().equals("hostname"))
        .singleElement().satisfies(i -> assertThat(i.detail()).isEqualTo("pool-1"));

    VmInfo up = hv.bringLinksUp(started.id());
    assertThat(up.guestIdentity().linkUp()).isTrue();
    assertThat(up.guestIdentity().standby()).isFalse();
    assertThat(up.guestIdentity().outcome()).isEqualTo(io.hotclone.hypervisor.GuestIdentity.Outcome.APPLIED);
    assertThat(hv.bringLinksUp(started.id()).guestIdentity()).isEqualTo(up.guestIdentity());
    assertThat(hv.requireVm(started.id()).guestIdentity().linkUp()).isTrue();
  }

  @Test
  void aCloneNotInStandbyHasItsLinkUpFromItsStart() {
    VmId source = f.newVm("plain-src");
    EmbeddedFixture.Clone c = f.cloneOf(source, 1, 1, EmbeddedFixture.identity("plain-1"), false);
    VmInfo started = hv.startClone(OperationId.of(c.cloneId(), "start", 1), c.configured().id());
    assertThat(started.guestIdentity().linkUp()).isTrue();
    assertThat(started.guestIdentity().standby()).isFalse();
  }
}
