package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** A driver over a temporary directory with two hosts and 1 ms guest ticks, plus clone helpers. */
final class EmbeddedFixture implements AutoCloseable {
  static final HostName A = new HostName("host-a");
  static final HostName B = new HostName("host-b");
  static final Duration LEASE = Duration.ofSeconds(30);
  private static final AtomicInteger SEQ = new AtomicInteger();

  final Path dir;
  final EmbeddedHypervisor hv;

  EmbeddedFixture() {
    this(EmbeddedOptions.defaults().withTickInterval(Duration.ofMillis(1)));
  }

  EmbeddedFixture(EmbeddedOptions options) {
    try {
      dir = Files.createTempDirectory("embedded-hv");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    hv = new EmbeddedHypervisor(dir, List.of(A, B), options);
  }

  VmId newVm(String name) {
    return hv.createVm(new VmSpec(A, name, 1 << 20, 1 << 20)).id();
  }

  long counter(VmId vm) {
    return hv.requireVm(vm).guest().counter();
  }

  /** Waits (up to 20 s) until the guest of {@code vm} ran {@code ticks} more iterations. */
  long advance(VmId vm, long ticks) {
    long target = counter(vm) + ticks;
    await(() -> counter(vm) >= target, "guest of " + vm + " reaches " + target);
    return counter(vm);
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static VmIdentity identity(String name) {
    int n = 1000 + SEQ.incrementAndGet();
    return new VmIdentity(name, UUID.randomUUID(),
        String.format("52:54:01:%02x:%02x:%02x", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff), name,
        "10.1." + ((n >> 8) & 0xff) + "." + (n & 0xff), "SER-" + n, UUID.randomUUID());
  }

  /** What one full clone produced. */
  record Clone(UUID cloneId, StorageFreeze storage, MemoryFreeze memory, CopiedState copied,
      StoragePointer pointer, VmInfo configured, long counterAtStorageFreeze, int bufferedWhileFrozen) {}

  /**
   * Runs the method's steps in saga order with the guest running: {@code between} ticks between
   * the storage freeze and the memory freeze, {@code frozen} ticks while memory is frozen. The clone
   * is configured, not started.
   */
  Clone cloneOf(VmId source, long between, long frozen, VmIdentity identity) {
    return cloneOf(source, between, frozen, identity, false);
  }

  /** As above; {@code standby}: the clone is a warm pool's ready clone (links held down). */
  Clone cloneOf(VmId source, long between, long frozen, VmIdentity identity, boolean standby) {
    UUID id = UUID.randomUUID();
    StorageFreeze sf = hv.freezeStorage(OperationId.of(id, "freeze-storage"), source, LEASE);
    long atStorage = counter(source);
    advance(source, between);
    MemoryFreeze mf = hv.freezeMemory(OperationId.of(id, "freeze-memory"), source, LEASE);
    advance(source, frozen);
    int buffered = hv.bufferedPages(source);
    CopiedState cs = hv.copyState(OperationId.of(id, "copy", 1), source, B);
    hv.unfreezeMemory(OperationId.of(id, "unfreeze-memory"), source);
    hv.unfreezeStorage(OperationId.of(id, "unfreeze-storage"), source);
    StoragePointer ptr = hv.createClonePointer(OperationId.of(id, "pointer", 1), source, B);
    VmInfo vm = hv.configureClone(OperationId.of(id, "configure", 1), new CloneSpec(source, cs, ptr, identity, null, standby));
    return new Clone(id, sf, mf, cs, ptr, vm, atStorage, buffered);
  }

  @Override
  public void close() {
    hv.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
