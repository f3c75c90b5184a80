package io.hotclone.hypervisor.bench;

import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.hypervisor.embedded.EmbeddedOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Benchmarks of the embedded hypervisor (a plain harness, not a unit test; run by {@code
 * bench/embedded.sh}): hot copy of a 1 GiB VM against a plain copy of the same bytes, guest write
 * latency with and without a freeze plus the register-capture pause, and clone-pointer creation for
 * a 1 GiB and a 64 GiB disk. Prints a Markdown table.
 */
public final class EmbeddedBench {
  private static final HostName A = new HostName("host-a");
  private static final HostName B = new HostName("host-b");
  private static final long GIB = 1L << 30;
  private static final Duration LEASE = Duration.ofMinutes(5);

  private EmbeddedBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("embedded-bench");
    StringBuilder table = new StringBuilder("| measurement | result |\n|---|---|\n");
    try {
      copyBench(dir.resolve("copy"), table);
      latencyBench(dir.resolve("latency"), table);
      pointerBench(dir.resolve("pointer"), table);
    } finally {
      deleteTree(dir);
    }
    System.out.println();
    System.out.print(table);
  }

  // ------------------------------------------------------------------ 1 GiB hot copy vs plain copy

  private static void copyBench(Path dir, StringBuilder table) throws IOException {
    EmbeddedOptions opts = EmbeddedOptions.defaults().withDigests(false);
    try (EmbeddedHypervisor hv = new EmbeddedHypervisor(dir, List.of(A, B), opts)) {
      VmId vm = hv.createVm(new VmSpec(A, "big", GIB, 64L << 20)).id();
      hv.pauseGuest(vm);
      long pages = GIB / 4096;
      for (long p = 0; p < pages; p++) {
        hv.writeMemory(vm, p, 0, p + 1, ~p);
      }
      hv.resumeGuest(vm);
      ByteBuffer[] plainSource = plainSource(GIB + (4 << 20));
      long[] hot = new long[5];
      long[] plain = new long[5];
      long bytes = 0;
      for (int i = 0; i < hot.length; i++) { // interleaved, so drifts of the disk hit both alike
        UUID id = UUID.randomUUID();
        long t0 = System.nanoTime();
        hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE);
        hv.freezeMemory(OperationId.of(id, "fm"), vm, LEASE);
        CopiedState cs = hv.copyState(OperationId.of(id, "copy"), vm, B);
        hv.unfreezeMemory(OperationId.of(id, "um"), vm);
        hv.unfreezeStorage(OperationId.of(id, "us"), vm);
        hot[i] = System.nanoTime() - t0;
        bytes = cs.bytes();
        hv.release(id);
        plain[i] = plainCopy(dir.resolve("plain-" + i + ".bin"), plainSource, bytes);
      }
      System.out.printf("hot copy 1 GiB: %s ms; plain copy: %s ms%n", ms(hot), ms(plain));
      row(table, "1 GiB VM freeze + copy (CRC32C, fsync) + merge, 5 runs (median / best)",
          String.format("%.0f / %.0f ms = %.0f / %.0f MiB/s (image %d MiB)", p(hot, 0.5) / 1e6,
              min(hot) / 1e6, mibps(bytes, p(hot, 0.5)), mibps(bytes, min(hot)), bytes >> 20));
      row(table, "plain copy of the same bytes (off-heap memory via 1 MiB buffer to file, fsync), "
              + "5 runs interleaved (median / best)",
          String.format("%.0f / %.0f ms = %.0f / %.0f MiB/s", p(plain, 0.5) / 1e6, min(plain) / 1e6,
              mibps(bytes, p(plain, 0.5)), mibps(bytes, min(plain))));
      row(table, "ratio hot / plain bandwidth, median / best (goal >= 0.5)", String.format("%.2f / %.2f",
          (double) p(plain, 0.5) / p(hot, 0.5), (double) min(plain) / min(hot)));
    }
  }

  /**
   * The plain copy: {@code bytes} of non-zero off-heap memory (4 MiB buffers, like the VM's RAM)
   * through a 1 MiB staging buffer to a file, then forced; no freeze, checksum or zero check.
   */
  private static ByteBuffer[] plainSource(long bytes) {
    int chunk = 4 << 20;
    ByteBuffer[] src = new ByteBuffer[(int) ((bytes + chunk - 1) / chunk)];
    for (int i = 0; i < src.length; i++) {
      src[i] = ByteBuffer.allocateDirect(chunk);
      for (int j = 0; j < chunk; j += 4096) {
        src[i].putLong(j, i * 1024L + j + 1);
      }
    }
    return src;
  }

  private static long plainCopy(Path file, ByteBuffer[] src, long bytes) throws IOException {
    int chunk = 4 << 20;
    ByteBuffer staging = ByteBuffer.allocateDirect(1 << 20);
    long t0 = System.nanoTime();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      long left = bytes;
      for (ByteBuffer b : src) {
        ByteBuffer d = b.duplicate().limit((int) Math.min(chunk, left));
        left -= d.remaining();
        while (d.hasRemaining()) {
          staging.clear();
          staging.put(d.slice().limit(Math.min(d.remaining(), staging.capacity())));
          d.position(d.position() + staging.position());
          staging.flip();
          while (staging.hasRemaining()) {
            ch.write(staging);
          }
        }
      }
      ch.force(true);
    }
    long t = System.nanoTime() - t0;
    Files.delete(file);
    return t;
  }

  // ------------------------------------------------------------------ write latency and pause

  private static void latencyBench(Path dir, StringBuilder table) {
    EmbeddedOptions opts = EmbeddedOptions.defaults().withDigests(false).withWriteLatency(true);
    try (EmbeddedHypervisor hv = new EmbeddedHypervisor(dir, List.of(A, B), opts)) {
      for (int i = 0; i < 200; i++) {
        hv.createVm(new VmSpec(A, "small-" + i, 1 << 20, 1 << 20));
      }
      VmId vm = hv.createVm(new VmSpec(A, "measured", 256L << 20, 64L << 20)).id();
      sleep(1500);
      hv.drainWriteLatencies(vm);
      sleep(3000);
      long[] base = hv.drainWriteLatencies(vm);
      long[] frozen = new long[0];
      long[] pauses = new long[40];
      for (int i = 0; i < pauses.length; i++) {
        UUID id = UUID.randomUUID();
        hv.drainWriteLatencies(vm);
        hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE);
        MemoryFreeze mf = hv.freezeMemory(OperationId.of(id, "fm"), vm, LEASE);
        pauses[i] = mf.pauseNanos();
        sleep(75);
        hv.unfreezeMemory(OperationId.of(id, "um"), vm);
        hv.unfreezeStorage(OperationId.of(id, "us"), vm);
        frozen = concat(frozen, hv.drainWriteLatencies(vm)); // freeze window and merge
        hv.release(id);
      }
      long ticks = hv.requireVm(vm).guest().counter();
      System.out.printf("guest iterations of the measured VM: %d (200 other VMs running)%n", ticks);
      row(table, "guest write latency, no freeze (p50 / p99 / max, n=" + base.length + ")", pct(base));
      row(table, "guest write latency from storage freeze to end of merge (p50 / p99 / max, n=" + frozen.length + ")",
          pct(frozen));
      row(table, "p99 frozen / p99 baseline (goal <= 2)",
          String.format("%.2f", (double) p(frozen, 0.99) / p(base, 0.99)));
      row(table, "register + device capture pause (p50 / p99 / max, n=" + pauses.length + ", goal < 1 ms)",
          pct(pauses));
    }
  }

  // ------------------------------------------------------------------ clone pointer, 1 vs 64 GiB

  private static void pointerBench(Path dir, StringBuilder table) {
    EmbeddedOptions opts = EmbeddedOptions.defaults().withDigests(false);
    try (EmbeddedHypervisor hv = new EmbeddedHypervisor(dir, List.of(A, B), opts)) {
      for (long disk : new long[] {GIB, 64 * GIB}) {
        VmId vm = hv.createVm(new VmSpec(A, "disk-" + (disk >> 30), 1 << 20, disk)).id();
        hv.pauseGuest(vm);
        int blocks = (int) (disk / 65536);
        int stride = blocks / 16384;
        for (int b = 0; b < blocks; b += stride) {
          hv.writeDisk(vm, b, 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
        hv.resumeGuest(vm);
        UUID id = UUID.randomUUID();
        hv.freezeStorage(OperationId.of(id, "fs"), vm, LEASE);
        hv.freezeMemory(OperationId.of(id, "fm"), vm, LEASE);
        hv.unfreezeMemory(OperationId.of(id, "um"), vm);
        hv.unfreezeStorage(OperationId.of(id, "us"), vm);
        int n = 2000;
        for (int i = 0; i < n; i++) { // JIT warm-up, so the first disk size is not penalised
          hv.createClonePointer(OperationId.of(id, "warm-up", i), vm, B);
        }
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          hv.createClonePointer(OperationId.of(id, "ptr", i), vm, B);
          t[i] = System.nanoTime() - t0;
        }
        row(table, String.format("clone pointer, %d GiB disk with 16384 written blocks (p50 / p99 / max, n=%d)",
            disk >> 30, n), pct(t));
        hv.release(id);
        hv.destroyVm(vm);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private static long p(long[] v, double q) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s.length == 0 ? 0 : s[Math.min(s.length - 1, (int) Math.floor(q * s.length))];
  }

  private static long min(long[] v) {
    return Arrays.stream(v).min().orElse(0);
  }

  private static double mibps(long bytes, long nanos) {
    return bytes / (nanos / 1e9) / (1 << 20);
  }

  private static String pct(long[] v) {
    long max = Arrays.stream(v).max().orElse(0);
    return String.format("%s / %s / %s", us(p(v, 0.5)), us(p(v, 0.99)), us(max));
  }

  private static String us(long nanos) {
    return nanos >= 1_000_000 ? String.format("%.2f ms", nanos / 1e6) : String.format("%.1f µs", nanos / 1e3);
  }

  private static String ms(long[] v) {
    return Arrays.toString(Arrays.stream(v).map(x -> x / 1_000_000).toArray());
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void row(StringBuilder table, String what, String result) {
    table.append("| ").append(what).append(" | ").append(result).append(" |\n");
    System.out.println(what + ": " + result);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
