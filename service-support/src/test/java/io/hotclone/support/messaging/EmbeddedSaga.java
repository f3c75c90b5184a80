package io.hotclone.support.messaging;

import io.hotclone.events.ClonePlan;
import io.hotclone.events.ClonePointer;
import io.hotclone.events.CopiedImage;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.hypervisor.embedded.EmbeddedOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a service's step test starts from: the embedded driver with hosts {@link #A} and {@link #B},
 * a running source VM on A, an in-memory saga log with a fixed clock, and the hypervisor calls the
 * other services make before a step (freezes, copies, pointers) under the saga's operation ids.
 */
public final class EmbeddedSaga implements AutoCloseable {
  public static final HostName A = new HostName("host-a");
  public static final HostName B = new HostName("host-b");
  public static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);

  private final EmbeddedHypervisor hv;
  private final VmInfo source;
  private final FakeSagaLog log = new FakeSagaLog();

  public EmbeddedSaga(Path dir) {
    hv = new EmbeddedHypervisor(dir, List.of(A, B), EmbeddedOptions.defaults());
    source = hv.createVm(new VmSpec(A, "src", 1 << 20, 1 << 20));
  }

  public EmbeddedHypervisor hv() {
    return hv;
  }

  public VmInfo source() {
    return source;
  }

  public VmId vm() {
    return source.id();
  }

  public FakeSagaLog log() {
    return log;
  }

  /** Saga steps over the in-memory log, at {@link #NOW}. */
  public SagaSteps steps() {
    return log.steps(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** A plan to clone the source from A to B {@code count} times, with {@code names} if any. */
  public ClonePlan plan(int count, String... names) {
    return new ClonePlan(vm().value(), A.value(), B.value(), count, List.of(names), LEASE.toMillis());
  }

  public boolean memoryFrozen() {
    return hv.isMemoryFrozen(vm(), "ram") || hv.isMemoryFrozen(vm(), "swap");
  }

  /** storage-service's freeze of {@code clone}. */
  public void freezeStorage(UUID clone) {
    hv.freezeStorage(StepOperation.FREEZE_STORAGE.id(clone), vm(), LEASE);
  }

  /** memory-service's freeze of {@code clone}. */
  public io.hotclone.hypervisor.MemoryFreeze freezeMemory(UUID clone) {
    return hv.freezeMemory(StepOperation.FREEZE_MEMORY.id(clone), vm(), LEASE);
  }

  /** transfer-service's copies of {@code clone}'s frozen state to B, as its event lists them. */
  public List<CopiedImage> copies(UUID clone, int count) {
    List<CopiedImage> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      CopiedState c = hv.copyState(StepOperation.COPY.id(clone, i), vm(), B);
      images.add(new CopiedImage(i, c.imageRef(), c.bytes(), c.pagesCopied(), c.zeroPagesSkipped(), c.checksum()));
    }
    return images;
  }

  /** storage-service's clone pointers of {@code clone} on B, as its event lists them. */
  public List<ClonePointer> pointers(UUID clone, int count) {
    List<ClonePointer> pointers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StoragePointer p = hv.createClonePointer(StepOperation.CLONE_POINTER.id(clone, i), vm(), B);
      pointers.add(new ClonePointer(i, p.id(), p.location(), p.baseRef(), p.disks().stream()
          .map(d -> new ClonePointer.DiskPointer(d.device(), d.id(), d.location(), d.baseRef())).toList()));
    }
    return pointers;
  }

  @Override
  public void close() {
    hv.close();
  }
}
