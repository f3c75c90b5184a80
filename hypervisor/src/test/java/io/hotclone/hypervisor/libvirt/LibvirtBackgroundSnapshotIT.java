package io.hotclone.hypervisor.libvirt;

import static io.hotclone.hypervisor.libvirt.GuestTicks.assertIncreasingByOne;
import static io.hotclone.hypervisor.libvirt.GuestTicks.sector;
import static io.hotclone.hypervisor.libvirt.GuestTicks.ticks;
import static io.hotclone.hypervisor.libvirt.LibvirtTestEnv.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import io.hotclone.hypervisor.libvirt.LibvirtOptions.MemoryFreezeMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The background-snapshot memory freeze on real QEMU (TCG busybox guest, two libvirt daemons):
 * the clone continues from the cut and its disk holds exactly the source's writes up to it (I1),
 * RAM is saved while the source runs, a repeat does nothing twice, and a save that fails in the
 * middle leaves the source running with its old chain once released. Fails (never skips) where
 * QEMU under libvirt cannot use userfaultfd write-protect ({@code scripts/libvirt/setup.sh} sets
 * {@code vm.unprivileged_userfaultfd=1}, which QEMU running unprivileged needs).
 */
class LibvirtBackgroundSnapshotIT {
  private LibvirtTestEnv env;
  private LibvirtHypervisor hv;
  private VmId source;
  private VmId clone;
  private UUID cloneId;

  @BeforeEach
  void setUp() {
    env = LibvirtTestEnv.load();
    hv = new LibvirtHypervisor(env.uris(), env.options().withMemoryFreeze(MemoryFreezeMethod.BACKGROUND_SNAPSHOT));
  }

  @AfterEach
  void tearDown() {
    try {
      if (cloneId != null) {
        hv.release(cloneId);
      }
      if (clone != null) {
        hv.destroyVm(clone);
      }
      if (source != null) {
        hv.destroyVm(source);
      }
    } finally {
      hv.close();
    }
  }

  private VmInfo startSource(String name) throws Exception {
    return startSource(name, null);
  }

  private VmInfo startSource(String name, String image) throws Exception {
    return startSource(name, image, LibvirtTestEnv.HOST_A);
  }

  private VmInfo startSource(String name, String image, io.hotclone.hypervisor.HostName host) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmSpec spec = image == null
        ? new VmSpec(host, name + "-" + suffix, 128L << 20, 64L << 20)
        : new VmSpec(host, name + "-" + suffix, 128L << 20, 64L << 20, image);
    VmInfo src = hv.createVm(spec);
    source = src.id();
    await("source guest ticks", Duration.ofSeconds(90), () -> counter(source) >= 3);
    try (LibvirtHypervisor auto = new LibvirtHypervisor(env.uris(), env.options().withMemoryFreeze(MemoryFreezeMethod.AUTO))) {
      // scripts/libvirt/setup.sh allows QEMU userfaultfd (vm.unprivileged_userfaultfd=1): a host
      // where it cannot is a failure here, not a skip
      assertThat(auto.memoryFreezeFor(source))
          .as("QEMU on " + host + " takes a background snapshot (userfaultfd write-protect available to it; run scripts/libvirt/setup.sh)")
          .isEqualTo(MemoryFreezeMethod.BACKGROUND_SNAPSHOT);
    }
    return src;
  }

  @Test
  void aBackgroundSnapshotIsOneCutOfMemoryAndDiskWhileTheSourceRuns() throws Exception {
    VmInfo src = startSource("hc-bg-src");
    cloneId = UUID.randomUUID();
    StorageFreeze sf = hv.freezeStorage(OperationId.of(cloneId, "freeze-storage"), source, Duration.ofMinutes(5));
    await("a tick into the storage overlay", Duration.ofSeconds(10), () -> counter(source) >= 5);

    AtomicReference<String> duringSave = new AtomicReference<>();
    hv.backgroundSnapshotter().duringSave = d ->
        duringSave.set(d.state() + "/" + QemuMonitor.execute(d, "query-migrate", null).path("status").asString(""));
    long before = counter(source);
    long t = System.nanoTime();
    MemoryFreeze mf = hv.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(5));
    long took = System.nanoTime() - t;
    long after = counter(source);
    System.out.printf("background freezeMemory: pause %.1f ms, call %.1f ms, image %d bytes, ticks %d..%d%n",
        mf.pauseNanos() / 1e6, took / 1e6, mf.memoryBytes(), before, after);
    assertThat(duringSave.get()).as("the guest runs while QEMU writes RAM").isEqualTo("RUNNING/active");
    assertThat(mf.tierOrder()).isEqualTo(BackgroundSnapshotter.TIERS);
    assertThat(mf.pauseNanos()).as("pause measured from lifecycle events").isPositive().isLessThan(Duration.ofMillis(1500).toNanos());
    assertThat(mf.baseRef()).isEqualTo(sf.sourcePointer());
    assertThat(hv.state(source)).isEqualTo(VmState.RUNNING);
    assertThat(capabilityOn(source)).as("the capability is off again").isFalse();
    Path frozenImage = env.sharedDir().resolve(cloneId + ".memory.img");
    assertThat(Files.getPosixFilePermissions(frozenImage)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(BackgroundImage.isComplete(frozenImage)).isTrue();
    assertThat(mf.memoryBytes()).isGreaterThan(16L << 20);

    // crash window "frozen, result not recorded": a restarted driver finds the cut and the image
    List<String> chainAtCut = hv.backingChain(source);
    try (LibvirtHypervisor restarted = new LibvirtHypervisor(env.uris(), env.options().withMemoryFreeze(MemoryFreezeMethod.BACKGROUND_SNAPSHOT))) {
      MemoryFreeze again = restarted.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(5));
      assertThat(again.cutAt()).isEqualTo(mf.cutAt());
      assertThat(again.pauseNanos()).isEqualTo(mf.pauseNanos());
      assertThat(restarted.backingChain(source)).as("no second cut").isEqualTo(chainAtCut);
    }

    CopiedState cs = hv.copyState(OperationId.of(cloneId, "copy", 1), source, LibvirtTestEnv.HOST_B);
    assertThat(cs.checksum()).isEqualTo("crc32c:" + SharedImageCopier.crc32c(frozenImage));
    hv.unfreezeMemory(OperationId.of(cloneId, "unfreeze-memory"), source);
    StoragePointer ptr = hv.createClonePointer(OperationId.of(cloneId, "pointer", 1), source, LibvirtTestEnv.HOST_B);
    hv.unfreezeStorage(OperationId.of(cloneId, "unfreeze-storage"), source);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmIdentity id = new VmIdentity("hc-bg-clone-" + suffix, UUID.randomUUID(), GuestVmCreator.randomMac(), null, null, null, null);
    clone = hv.configureClone(OperationId.of(cloneId, "configure", 1), new CloneSpec(source, cs, ptr, id)).id();
    assertThat(hv.startClone(OperationId.of(cloneId, "start", 1), clone).state()).isEqualTo(VmState.RUNNING);

    Path cloneLog = env.hostBDir().resolve(id.name() + ".serial.log");
    await("clone ticks", Duration.ofSeconds(30), () -> ticks(cloneLog).size() >= 3);
    long first = ticks(cloneLog).get(0);
    System.out.printf("source ticks %d..%d around the cut, clone starts at %d%n", before, after, first);
    assertThat(first).as("clone continues from the captured counter").isGreaterThan(before).isLessThanOrEqualTo(after + 1);
    assertIncreasingByOne(ticks(cloneLog));

    long common = first + 2;
    await("both wrote tick " + common, Duration.ofSeconds(30), () -> counter(source) > common && counter(clone) > common);
    String srcTop = hv.findVm(source).orElseThrow().storagePointer();
    String cloneTop = hv.findVm(clone).orElseThrow().storagePointer();
    for (long k = before; k < first; k++) {
      assertThat(sector(cloneTop, k)).as("tick %d, written before the cut, is in the clone", k)
          .startsWith("tick " + k + " ").isEqualTo(sector(srcTop, k));
    }
    assertThat(sector(mf.baseRef(), first)).as("the source's tick %d, written after the cut, is not in the cut base", first)
        .doesNotStartWith("tick " + first + " ");
    // both go on writing, each into its own overlay (their random values may coincide: the clone
    // carries the source's kernel RNG state, see package-info)
    assertThat(sector(cloneTop, common)).startsWith("tick " + common + " ");
    assertThat(sector(srcTop, common)).startsWith("tick " + common + " ");
    assertThat(cloneTop).isNotEqualTo(srcTop);
    assertThat(src.state()).isEqualTo(VmState.RUNNING);
  }

  /**
   * A source on host-b, reached over {@code qemu+tcp} (no descriptor passing): AUTO still picks the
   * background snapshot, which goes through libvirt's own save of the stopped guest. The guest
   * runs while libvirtd's save job writes RAM, the image is a complete save image, a restarted
   * driver repeating the step finds the same cut, and the clone (on host-a) continues from it.
   */
  @Test
  void aSourceReachedOverTcpTakesTheBackgroundSnapshotThroughLibvirtsSave() throws Exception {
    assertThat(BackgroundSnapshotter.routeFor(env.uris().get(LibvirtTestEnv.HOST_B)))
        .as("host-b is reached over TCP").isEqualTo(BackgroundSnapshotter.Route.LIBVIRT_SAVE);
    VmInfo src = startSource("hc-bg-tcp-src", null, LibvirtTestEnv.HOST_B);
    cloneId = UUID.randomUUID();
    StorageFreeze sf = hv.freezeStorage(OperationId.of(cloneId, "freeze-storage"), source, Duration.ofMinutes(5));
    await("a tick into the storage overlay", Duration.ofSeconds(10), () -> counter(source) >= 5);

    AtomicReference<String> duringSave = new AtomicReference<>();
    hv.backgroundSnapshotter().duringSave = d -> {
      try {
        duringSave.set(d.state() + "/job " + d.domain().getJobInfo().getType());
      } catch (org.libvirt.LibvirtException e) {
        duringSave.set(e.getMessage());
      }
    };
    long before = counter(source);
    MemoryFreeze mf = hv.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(5));
    long after = counter(source);
    System.out.printf("background freezeMemory over qemu+tcp: pause %.1f ms, image %d bytes, ticks %d..%d%n",
        mf.pauseNanos() / 1e6, mf.memoryBytes(), before, after);
    // The driver hands over once the guest runs again or the save call returned. Only QEMU's
    // background snapshot resumes the guest by itself (libvirt resumes nothing it did not pause),
    // so RUNNING here means the guest ran before libvirtd's save ended; a plain save of the
    // suspended guest leaves it PAUSED until the driver's own resume after the save. The job is
    // then still running (virDomainJobType 2, unbounded) or, for a small guest on a fast host,
    // already completed (3).
    assertThat(duringSave.get()).as("the guest runs while libvirtd saves RAM").isIn("RUNNING/job 2", "RUNNING/job 3");
    assertThat(mf.tierOrder()).isEqualTo(BackgroundSnapshotter.TIERS);
    assertThat(mf.pauseNanos()).as("pause measured from lifecycle events").isPositive().isLessThan(Duration.ofMillis(1500).toNanos());
    assertThat(mf.baseRef()).isEqualTo(sf.sourcePointer());
    assertThat(hv.state(source)).isEqualTo(VmState.RUNNING);
    assertThat(capabilityOn(source)).as("the capability is off again").isFalse();
    Path frozenImage = env.sharedDir().resolve(cloneId + ".memory.img");
    assertThat(BackgroundImage.isComplete(frozenImage)).as("libvirtd completed the save image").isTrue();
    assertThat(mf.memoryBytes()).isGreaterThan(16L << 20);

    List<String> chainAtCut = hv.backingChain(source);
    try (LibvirtHypervisor restarted = new LibvirtHypervisor(env.uris(), env.options().withMemoryFreeze(MemoryFreezeMethod.AUTO))) {
      MemoryFreeze again = restarted.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(5));
      assertThat(again.cutAt()).isEqualTo(mf.cutAt());
      assertThat(restarted.backingChain(source)).as("no second cut").isEqualTo(chainAtCut);
    }

    String suffix = UUID.randomUUID().toString().substring(0, 8);
    VmIdentity id = new VmIdentity("hc-bg-tcp-clone-" + suffix, UUID.randomUUID(), GuestVmCreator.randomMac(), null, null, null, null);
    startCloneOn(LibvirtTestEnv.HOST_A, id);

    Path cloneLog = env.hostADir().resolve(id.name() + ".serial.log");
    await("clone ticks", Duration.ofSeconds(30), () -> ticks(cloneLog).size() >= 3);
    long first = ticks(cloneLog).get(0);
    assertThat(first).as("clone continues from the captured counter").isGreaterThan(before).isLessThanOrEqualTo(after + 1);
    assertIncreasingByOne(ticks(cloneLog));
    assertThat(sector(mf.baseRef(), first)).as("the source's tick %d, written after the cut, is not in the cut base", first)
        .doesNotStartWith("tick " + first + " ");
    assertThat(src.state()).isEqualTo(VmState.RUNNING);
  }

  /**
   * The guest rewrites 6 MiB of its memory in a loop (through its agent) while RAM is saved: the
   * pause stays bounded, the guest keeps running and the clone still continues from the cut, its
   * disk holding the source's ticks up to it.
   */
  @Test
  void aGuestThatWritesHardDuringTheSaveStillClonesFromTheCut() throws Exception {
    VmInfo src = startSource("hc-bg-dirty-src", VmSpec.AGENT_IMAGE);
    String name = src.identity().name();
    GuestProbe probe = new GuestProbe(env.uris());
    await("the source's agent answers", Duration.ofSeconds(120), () -> probe.answers(LibvirtTestEnv.HOST_A, name));
    // the loop is the process guest-exec starts (no output captured: the agent does not wait for it)
    String loop = "dd if=/dev/urandom of=/hc-seed bs=1M count=6 2>/dev/null;"
        + " n=0; while true; do cat /hc-seed > /hc-dirty; n=$((n+1)); echo $n > /hc-rounds; done";
    Process p = new ProcessBuilder("virsh", "-q", "-c", env.sourceUri(), "qemu-agent-command", name,
        "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"/bin/sh\",\"arg\":[\"-c\",\"" + loop + "\"]}}")
        .redirectErrorStream(true).start();
    String started = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("guest-exec: " + started).isZero();
    await("the guest rewrites its 6 MiB over and over", Duration.ofSeconds(30), () -> rounds(probe, name) >= 3);

    cloneId = UUID.randomUUID();
    hv.freezeStorage(OperationId.of(cloneId, "freeze-storage"), source, Duration.ofMinutes(5));
    long before = counter(source);
    long roundsBefore = rounds(probe, name);
    MemoryFreeze mf = hv.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(5));
    long after = counter(source);
    long roundsAfter = rounds(probe, name);
    System.out.printf("background freezeMemory under load: pause %.1f ms, guest rounds %d..%d during the call, ticks %d..%d%n",
        mf.pauseNanos() / 1e6, roundsBefore, roundsAfter, before, after);
    assertThat(mf.pauseNanos()).isPositive().isLessThan(Duration.ofMillis(1500).toNanos());
    assertThat(hv.state(source)).isEqualTo(VmState.RUNNING);

    String suffix = UUID.randomUUID().toString().substring(0, 8);
    // a host name: the agent guest's identity is applied in the guest, which needs one
    String cloneName = "hc-bg-dirty-clone-" + suffix;
    VmIdentity id = new VmIdentity(cloneName, UUID.randomUUID(), GuestVmCreator.randomMac(), cloneName, null, null, null);
    startCloneOn(LibvirtTestEnv.HOST_B, id);
    Path cloneLog = env.hostBDir().resolve(id.name() + ".serial.log");
    await("clone ticks", Duration.ofSeconds(60), () -> ticks(cloneLog).size() >= 2);
    long first = ticks(cloneLog).get(0);
    assertThat(first).as("clone continues from the captured counter").isGreaterThan(before).isLessThanOrEqualTo(after + 1);
    assertIncreasingByOne(ticks(cloneLog));
    String cloneTop = hv.findVm(clone).orElseThrow().storagePointer();
    String srcTop = hv.findVm(source).orElseThrow().storagePointer();
    for (long k = before; k < first; k++) {
      assertThat(sector(cloneTop, k)).as("tick %d, written before the cut, is in the clone", k).startsWith("tick " + k + " ").isEqualTo(sector(srcTop, k));
    }
    assertThat(sector(mf.baseRef(), first)).as("the source's tick %d, written after the cut, is not in the cut base", first)
        .doesNotStartWith("tick " + first + " ");
  }

  private static long rounds(GuestProbe probe, String name) {
    try {
      String out = probe.exec(LibvirtTestEnv.HOST_A, name, "/bin/sh", "-c", "cat /hc-rounds 2>/dev/null").trim();
      return out.isEmpty() ? 0 : Long.parseLong(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Window "paused, disk cut made, migration refused": the descriptor QEMU was to write to is gone
   * when the migration starts (a failure after the suspend and the disk switch; a failure of a
   * started background migration hangs QEMU 7.2, see {@link BackgroundSnapshotter}). The freeze
   * fails, the driver resumes the source, the capability is off and no image is left; a repeat
   * refuses rather than report a cut without memory; the release restores the chain of before.
   */
  @Test
  void aSaveThatFailsInTheMiddleLeavesTheSourceRunningWithItsOldChain() throws Exception {
    startSource("hc-bg-fail-src");
    List<String> chainBefore = hv.backingChain(source);
    List<String> filesBefore = files();
    cloneId = UUID.randomUUID();
    hv.freezeStorage(OperationId.of(cloneId, "freeze-storage"), source, Duration.ofMinutes(5));
    AtomicReference<VmState> atFailure = new AtomicReference<>();
    hv.backgroundSnapshotter().beforeMigrate = d -> {
      atFailure.set(d.state());
      QemuMonitor.execute(d, "closefd", "{\"fdname\":\"hc-" + cloneId + "\"}");
    };

    assertThatThrownBy(() -> hv.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(5)))
        .isInstanceOf(HypervisorException.DriverFailure.class)
        .hasMessageContaining("migrate");
    hv.backgroundSnapshotter().beforeMigrate = d -> {};
    assertThat(atFailure.get()).as("the failure struck while the source was paused").isEqualTo(VmState.PAUSED);
    assertThat(hv.state(source)).isEqualTo(VmState.RUNNING);
    assertThat(capabilityOn(source)).isFalse();
    assertThat(env.sharedDir().resolve(cloneId + ".memory.img")).doesNotExist();
    assertThat(hv.backingChain(source)).as("the cut overlay is on the source").hasSize(chainBefore.size() + 2);
    long now = counter(source);
    await("the source keeps ticking", Duration.ofSeconds(10), () -> counter(source) > now + 1);

    try (LibvirtHypervisor restarted = new LibvirtHypervisor(env.uris(), env.options().withMemoryFreeze(MemoryFreezeMethod.BACKGROUND_SNAPSHOT))) {
      assertThatThrownBy(() -> restarted.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(5)))
          .isInstanceOf(HypervisorException.DriverFailure.class)
          .hasMessageContaining("incomplete");
    }

    hv.release(cloneId);
    assertThat(hv.backingChain(source)).as("the source's chain as before the clone").isEqualTo(chainBefore);
    assertThat(files()).as("no file of the failed clone").isEqualTo(filesBefore);
    assertThat(hv.state(source)).isEqualTo(VmState.RUNNING);
    long later = counter(source);
    await("the source keeps ticking after the release", Duration.ofSeconds(10), () -> counter(source) > later + 1);
    assertThat(sector(chainBefore.get(0), later)).as("its writes land in its own disk").startsWith("tick " + later + " ");
  }

  /**
   * The cut overlays are made before the pause; a disk switch that fails leaves none of them: the
   * source runs on, on its storage overlay, with no file of the failed cut.
   */
  @Test
  void aDiskSwitchThatFailsLeavesNoCutOverlayBehind() throws Exception {
    startSource("hc-bg-switch-src");
    List<String> chainBefore = hv.backingChain(source);
    cloneId = UUID.randomUUID();
    hv.freezeStorage(OperationId.of(cloneId, "freeze-storage"), source, Duration.ofMinutes(5));
    List<String> frozenChain = hv.backingChain(source);
    AtomicReference<List<String>> cutsWhilePaused = new AtomicReference<>();
    hv.backgroundSnapshotter().beforeSwitch = d -> {
      cutsWhilePaused.set(cutOverlays());
      throw new HypervisorException.DriverFailure("switch refused by the test", null);
    };

    assertThatThrownBy(() -> hv.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(5)))
        .isInstanceOf(HypervisorException.DriverFailure.class)
        .hasMessageContaining("switch refused by the test");
    hv.backgroundSnapshotter().beforeSwitch = d -> {};

    assertThat(cutsWhilePaused.get()).as("the cut overlay was made before the pause").hasSize(1);
    assertThat(cutOverlays()).as("and removed when the switch failed").isEmpty();
    assertThat(hv.backingChain(source)).as("the source still writes its storage overlay").isEqualTo(frozenChain).hasSize(chainBefore.size() + 1);
    assertThat(hv.state(source)).isEqualTo(VmState.RUNNING);
    assertThat(env.sharedDir().resolve(cloneId + ".memory.img")).doesNotExist();
  }

  /** Steps 3 to 6 of the frozen {@link #source} onto {@code host}: copy, thaw, pointer, configure and start as {@code id}. */
  private void startCloneOn(io.hotclone.hypervisor.HostName host, VmIdentity id) {
    CopiedState cs = hv.copyState(OperationId.of(cloneId, "copy", 1), source, host);
    hv.unfreezeMemory(OperationId.of(cloneId, "unfreeze-memory"), source);
    StoragePointer ptr = hv.createClonePointer(OperationId.of(cloneId, "pointer", 1), source, host);
    hv.unfreezeStorage(OperationId.of(cloneId, "unfreeze-storage"), source);
    clone = hv.configureClone(OperationId.of(cloneId, "configure", 1), new CloneSpec(source, cs, ptr, id)).id();
    assertThat(hv.startClone(OperationId.of(cloneId, "start", 1), clone).state()).isEqualTo(VmState.RUNNING);
  }

  private List<String> cutOverlays() {
    try (Stream<Path> all = Files.list(env.sharedDir())) {
      return all.map(p -> p.getFileName().toString()).filter(n -> n.contains(String.valueOf(cloneId)) && n.endsWith(".cut.qcow2")).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private boolean capabilityOn(VmId vm) {
    try (Hosts h = new Hosts(env.uris(), new PauseMeter()); DomainRef d = h.require(vm)) {
      for (var c : QemuMonitor.execute(d, "query-migrate-capabilities", null)) {
        if (c.path("capability").asString("").equals("background-snapshot")) {
          return c.path("state").asBoolean(false);
        }
      }
      return false;
    }
  }

  private List<String> files() throws IOException {
    try (Stream<Path> all = Stream.concat(Files.list(env.sharedDir()), Stream.concat(Files.list(env.hostADir()), Files.list(env.hostBDir())))) {
      return all.map(p -> p.getParent().getFileName() + "/" + p.getFileName())
          .filter(n -> n.contains(source.value()) || n.contains(String.valueOf(cloneId)))
          .sorted().toList();
    }
  }

  private long counter(VmId vm) {
    return hv.findVm(vm).orElseThrow().guest().counter();
  }
}
