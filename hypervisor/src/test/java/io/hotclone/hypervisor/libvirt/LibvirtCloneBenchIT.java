package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Benchmark (bench/libvirt.sh, {@code -Dhotclone.bench=true}): repeated hot clones of one running
 * guest ({@code -Dhotclone.bench.memoryMiB}, 128 unless set) from host-a to host-b through the SPI, in the copy mode named by {@code
 * -Dhotclone.bench.copyMode} (SHARED unless set) and the memory-freeze method named by {@code
 * -Dhotclone.bench.memoryFreeze} (LIVE_SNAPSHOT unless set); per clone the source pause (lifecycle events)
 * and the whole clone time (storage freeze to the clone running), and the wall-clock instants (epoch ns)
 * at which the freeze calls began and ended and the source's part of the clone ended, for
 * bench/heartbeat.py to find each round's heartbeat gap. Each clone is checked
 * to continue from the source's counter and is then destroyed.
 */
@EnabledIfSystemProperty(named = "hotclone.bench", matches = "true")
class LibvirtCloneBenchIT {

  @Test
  void benchmark() throws Exception {
    int rounds = Integer.getInteger("hotclone.bench.rounds", 5);
    LibvirtOptions.CopyMode mode = LibvirtOptions.CopyMode.valueOf(System.getProperty("hotclone.bench.copyMode", "SHARED"));
    LibvirtOptions.MemoryFreezeMethod freeze =
        LibvirtOptions.MemoryFreezeMethod.valueOf(System.getProperty("hotclone.bench.memoryFreeze", "LIVE_SNAPSHOT"));
    long memoryBytes = Long.getLong("hotclone.bench.memoryMiB", 128) << 20;
    // the source's host (host-b: reached over qemu+tcp) and the clones' (the other one)
    HostName sourceHost = new HostName(System.getProperty("hotclone.bench.sourceHost", LibvirtTestEnv.HOST_A.value()));
    HostName targetHost = sourceHost.equals(LibvirtTestEnv.HOST_A) ? LibvirtTestEnv.HOST_B : LibvirtTestEnv.HOST_A;
    // the background snapshot's route, forced (unset: the one the source's URI selects)
    String route = System.getProperty("hotclone.bench.route", "");
    LibvirtTestEnv env = LibvirtTestEnv.load();
    List<String> rows = new ArrayList<>();
    try (LibvirtHypervisor hv = new LibvirtHypervisor(env.uris(), env.options().withCopyMode(mode).withMemoryFreeze(freeze))) {
      if (!route.isBlank()) {
        hv.backgroundSnapshotter().route = BackgroundSnapshotter.Route.valueOf(route);
      }
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      VmId source = hv.createVm(new VmSpec(sourceHost, "hc-bench-src-" + suffix, memoryBytes, 64L << 20)).id();
      try {
        awaitCounter(hv, source, 3);
        for (int i = 1; i <= rounds; i++) {
          UUID cloneId = UUID.randomUUID();
          long captured = hv.findVm(source).orElseThrow().guest().counter();
          long w0 = epochNanos();
          long t0 = System.nanoTime();
          hv.freezeStorage(OperationId.of(cloneId, "freeze-storage"), source, Duration.ofMinutes(2));
          long t1 = System.nanoTime();
          MemoryFreeze mf = hv.freezeMemory(OperationId.of(cloneId, "freeze-memory"), source, Duration.ofMinutes(2));
          long t2 = System.nanoTime();
          long w2 = epochNanos();
          CopiedState cs = hv.copyState(OperationId.of(cloneId, "copy", 1), source, targetHost);
          long t3 = System.nanoTime();
          hv.unfreezeMemory(OperationId.of(cloneId, "unfreeze-memory"), source);
          StoragePointer ptr = hv.createClonePointer(OperationId.of(cloneId, "pointer", 1), source, targetHost);
          hv.unfreezeStorage(OperationId.of(cloneId, "unfreeze-storage"), source);
          long t4 = System.nanoTime();
          long w4 = epochNanos();
          VmIdentity id = new VmIdentity("hc-bench-clone-" + suffix + "-" + i, UUID.randomUUID(), GuestVmCreator.randomMac(), null, null, "HCB-" + i, null);
          VmId clone = hv.configureClone(OperationId.of(cloneId, "configure", 1), new CloneSpec(source, cs, ptr, id)).id();
          long t5 = System.nanoTime();
          VmInfo started = hv.startClone(OperationId.of(cloneId, "start", 1), clone);
          long t6 = System.nanoTime();
          int depth = hv.backingChain(source).size();
          try {
            long first = awaitCounter(hv, clone, 1);
            assertThat(first).as("clone continues from the source").isGreaterThanOrEqualTo(captured);
          } finally {
            hv.destroyVm(started.id());
          }
          String row = String.format(
              "%d\t%.1f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\t%d",
              i, mf.pauseNanos() / 1e6, ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3), ms(t5 - t4), ms(t6 - t5), ms(t6 - t0),
              cs.bytes(), depth, w0, w2, w4);
          rows.add(row);
          System.out.println("BENCH " + row);
        }
      } finally {
        hv.destroyVm(source);
      }
    }
    Path out = Path.of(System.getProperty("hotclone.bench.out", "target/libvirt-bench.tsv"));
    List<String> lines = new ArrayList<>();
    lines.add("round\tpause_ms\tfreeze_storage_ms\tfreeze_memory_ms\tcopy_ms\tthaw_pointer_ms\tconfigure_ms\tstart_ms\twhole_clone_ms\timage_bytes\tsource_chain_depth"
        + "\tfreeze_from_epoch_ns\tfreeze_to_epoch_ns\tsource_done_epoch_ns");
    lines.addAll(rows);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, lines);
  }

  /** Wall clock (CLOCK_REALTIME) in ns: bench/heartbeat.py stamps the guest's heartbeats on the same clock. */
  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** Waits until the VM's counter reaches {@code atLeast}; returns the counter seen first. */
  private static long awaitCounter(LibvirtHypervisor hv, VmId vm, long atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos(); // a filling guest boots slowly
    long first = -1;
    while (true) {
      long c = hv.findVm(vm).orElseThrow().guest().counter();
      if (first < 0 && c >= 0) {
        first = c;
      }
      if (c >= atLeast) {
        return first;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(vm + " did not reach tick " + atLeast);
      }
      Thread.sleep(100);
    }
  }
}
