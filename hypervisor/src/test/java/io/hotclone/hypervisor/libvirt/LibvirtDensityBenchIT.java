package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Benchmark (bench/density.sh, {@code -Dhotclone.bench.density=true}): N clones of ONE freeze of a
 * running guest, all running at once on host-b, for bench/density.py to measure the host memory
 * they add. The source ({@code -Dhotclone.bench.memoryMiB}, 256 unless set) runs on host-a; one
 * freeze, N copies of its state and N disk pointers, then the N clones are defined and the source is
 * destroyed (on a real host-b the source is elsewhere; its RAM must not be merged with the clones').
 * Handshake through files in {@code -Dhotclone.bench.dir}: this test writes {@code configured}, waits
 * for {@code start}, starts the N clones, waits until each prints a tick, writes {@code running}
 * (one domain name a line) and keeps them running until {@code done} appears; then destroys them.
 */
@EnabledIfSystemProperty(named = "hotclone.bench.density", matches = "true")
class LibvirtDensityBenchIT {

  @Test
  void density() throws Exception {
    int n = Integer.getInteger("hotclone.bench.clones", 8);
    long memoryBytes = Long.getLong("hotclone.bench.memoryMiB", 256) << 20;
    Path dir = Path.of(System.getProperty("hotclone.bench.dir", "target/density"));
    Files.createDirectories(dir);
    LibvirtTestEnv env = LibvirtTestEnv.load();
    List<VmId> clones = new ArrayList<>();
    VmId source = null;
    try (LibvirtHypervisor hv = new LibvirtHypervisor(env.uris(), env.options())) {
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      try {
        source = hv.createVm(new VmSpec(LibvirtTestEnv.HOST_A, "hc-dens-src-" + suffix, memoryBytes, 64L << 20)).id();
        awaitCounter(hv, source, 3);
        UUID cloneId = UUID.randomUUID();
        long captured = hv.findVm(source).orElseThrow().guest().counter();
        hv.freezeStorage(OperationId.of(cloneId, "freeze-storage"), source, Duration.ofMinutes(2));
        hv.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(2));
        List<CopiedState> states = new ArrayList<>();
        List<StoragePointer> pointers = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          states.add(hv.copyState(OperationId.of(cloneId, "copy", i), source, LibvirtTestEnv.HOST_B));
        }
        hv.unfreezeMemory(OperationId.of(cloneId, "unfreeze-memory"), source);
        for (int i = 1; i <= n; i++) {
          pointers.add(hv.createClonePointer(OperationId.of(cloneId, "pointer", i), source, LibvirtTestEnv.HOST_B));
        }
        hv.unfreezeStorage(OperationId.of(cloneId, "unfreeze-storage"), source);
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          String name = "hc-dens-clone-" + suffix + "-" + i;
          VmIdentity id = new VmIdentity(name, UUID.randomUUID(), GuestVmCreator.randomMac(), null, null, "HCD-" + i, null);
          clones.add(hv.configureClone(OperationId.of(cloneId, "configure", i), new CloneSpec(source, states.get(i - 1), pointers.get(i - 1), id)).id());
          names.add(name);
        }
        hv.destroyVm(source);
        source = null;
        Files.writeString(dir.resolve("configured"), String.join("\n", names) + "\n");
        await(dir.resolve("start"), Duration.ofMinutes(10));
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          VmInfo started = hv.startClone(OperationId.of(cloneId, "start", i + 1), clones.get(i));
          long first = awaitCounter(hv, started.id(), 1);
          System.out.printf("DENSITY clone %d started, first tick %d (source at %d), %.0f ms%n", i + 1, first, captured, (System.nanoTime() - t0) / 1e6);
          assertThat(first).as("clone continues from the source").isGreaterThanOrEqualTo(captured);
        }
        Files.writeString(dir.resolve("running"), String.join("\n", names) + "\n");
        await(dir.resolve("done"), Duration.ofMinutes(60));
      } finally {
        for (VmId c : clones) {
          try {
            hv.destroyVm(c);
          } catch (RuntimeException e) {
            System.out.println("DENSITY destroy " + c + ": " + e);
          }
        }
        if (source != null) {
          hv.destroyVm(source);
        }
      }
    }
  }

  private static void await(Path file, Duration max) throws InterruptedException {
    LibvirtTestEnv.await(file + " to appear", max, () -> Files.exists(file));
  }

  /** Waits until the VM's counter reaches {@code atLeast}; returns the counter seen first. */
  private static long awaitCounter(LibvirtHypervisor hv, VmId vm, long atLeast) throws InterruptedException {
    java.util.concurrent.atomic.AtomicLong first = new java.util.concurrent.atomic.AtomicLong(-1);
    // a filling guest boots slowly
    LibvirtTestEnv.await(vm + " to reach tick " + atLeast, Duration.ofSeconds(240), () -> {
      long c = hv.findVm(vm).orElseThrow().guest().counter();
      first.compareAndSet(-1, c >= 0 ? c : -1);
      return c >= atLeast;
    });
    return first.get();
  }
}
