package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.IdentityPolicy;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.MemoryThaw;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.StorageThaw;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded reference hypervisor: every step of the hot-clone method over named hosts that share
 * one storage directory. Shared storage is a {@link SharedStorage} of copy-on-write layers; each VM
 * has tiered page memory ({@code swap}, {@code ram}), device state and vCPU registers, and, while
 * running, a deterministic guest workload ({@link GuestWorkload}) driven by one shared scheduler
 * (not a thread per VM). The steps live in {@link Freezer} (1, 2, 4, 5, leases) and {@link Cloner}
 * (3, 6, 7, release); this class makes them idempotent by {@link OperationId}.
 *
 * <p>Contracts beyond {@link Hypervisor}: the memory freeze takes its cut (guest counter, registers,
 * device state, disk layer) while the guest is paused, so the disk written between the storage
 * freeze and the cut reaches the clone and nothing later does ({@code MemoryFreeze.baseRef}); the
 * cut layer stays pinned for clone pointers until {@link #release}, the source's destruction or the
 * end of the storage lease; an expired lease is thawed by a watchdog thread, which marks the clone
 * id expired; thaws, {@link #release} and {@link #destroyVm} ignore host reachability so
 * compensation always works. Nothing is persisted: a new JVM starts with no VMs (the services mark
 * them gone), and {@link #close} deletes the block arena and swap files.
 *
 * <p>The public methods after the SPI ({@link #readPage}, {@link #verifyGuest}, {@link #cloneCut},
 * {@link #storageStats}, {@link #baseDigest}, {@link #pauseGuest}, {@link #setHostReachable}, ...)
 * are the inspection and failure-injection API for tests and benchmarks.
 *
 * <p>Why this class is longer than the others: it is the driver's one public face — each SPI method
 * is a one-line delegation through the operation journal, and the inspection API is a list of short
 * reads of the driver's state; the logic lives in the classes named above.
 */
public final class EmbeddedHypervisor implements Hypervisor {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedHypervisor.class);

  private final DriverState state;
  private final OperationLog operations = new OperationLog();
  private final ScheduledExecutorService guests;
  private final ScheduledExecutorService watchdog;
  private final Freezer freezer;
  private final VmLifecycle lifecycle;
  private final Cloner cloner;

  /**
   * A driver over {@code hostNames} sharing {@code storageDir} (block arena under {@code shared/},
   * swap files and images under {@code hosts/<host>/}).
   */
  public EmbeddedHypervisor(Path storageDir, List<HostName> hostNames, EmbeddedOptions options) {
    if (hostNames.isEmpty()) {
      throw new IllegalArgumentException("at least one host");
    }
    this.state = new DriverState(storageDir, hostNames, options);
    this.guests = Executors.newScheduledThreadPool(options.schedulerThreads(), daemon("embedded-guest"));
    long tick = options.tickInterval().toNanos();
    for (int shard = 0; shard < options.schedulerThreads(); shard++) {
      int s = shard;
      guests.scheduleAtFixedRate(() -> tickShard(s), tick, tick, TimeUnit.NANOSECONDS);
    }
    this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("embedded-watchdog"));
    this.freezer = new Freezer(state, watchdog);
    this.lifecycle = new VmLifecycle(state);
    this.cloner = new Cloner(state, freezer, lifecycle);
  }

  /** Defaults: {@link EmbeddedOptions#defaults()}. */
  public EmbeddedHypervisor(Path storageDir, List<HostName> hostNames) {
    this(storageDir, hostNames, EmbeddedOptions.defaults());
  }

  // ---------------------------------------------------------------- SPI: hosts and VMs

  @Override
  public String driverName() {
    return "embedded";
  }

  @Override
  public List<HostInfo> hosts() {
    synchronized (state) {
      List<HostInfo> out = new ArrayList<>();
      for (Map.Entry<HostName, Boolean> e : state.hosts.entrySet()) {
        int running = 0;
        for (EmbeddedVm vm : state.vms.values()) {
          if (vm.host.equals(e.getKey()) && vm.state == VmState.RUNNING) {
            running++;
          }
        }
        out.add(new HostInfo(e.getKey(), driverName(), "embedded:" + e.getKey(), e.getValue(), running));
      }
      return out;
    }
  }

  @Override
  public List<VmInfo> vms(HostName host) {
    state.checkHost(host);
    List<VmInfo> out = new ArrayList<>();
    for (EmbeddedVm vm : state.vms.values()) {
      if (vm.host.equals(host)) {
        out.add(vm.info());
      }
    }
    return out;
  }

  @Override
  public Optional<VmInfo> findVm(VmId vm) {
    EmbeddedVm v = state.vms.get(vm);
    return v == null ? Optional.empty() : Optional.of(v.info());
  }

  @Override
  public VmInfo createVm(VmSpec spec) {
    return lifecycle.createVm(spec);
  }

  // ---------------------------------------------------------------- SPI: the method's steps

  @Override
  public StorageFreeze freezeStorage(OperationId op, VmId vm, Duration lease) {
    return operations.once(op, StorageFreeze.class, () -> freezer.freezeStorage(op, vm, lease));
  }

  @Override
  public MemoryFreeze freezeMemory(OperationId op, VmId vm, Duration lease) {
    return operations.once(op, MemoryFreeze.class, () -> freezer.freezeMemory(op, vm, lease));
  }

  @Override
  public CopiedState copyState(OperationId op, VmId vm, HostName target) {
    return operations.once(op, CopiedState.class, () -> cloner.copyState(op, vm, target));
  }

  @Override
  public MemoryThaw unfreezeMemory(OperationId op, VmId vm) {
    return operations.once(op, MemoryThaw.class, () -> freezer.unfreezeMemory(op, vm));
  }

  @Override
  public StorageThaw unfreezeStorage(OperationId op, VmId vm) {
    return operations.once(op, StorageThaw.class, () -> freezer.unfreezeStorage(op, vm));
  }

  @Override
  public StoragePointer createClonePointer(OperationId op, VmId vm, HostName target) {
    return operations.once(op, StoragePointer.class, () -> cloner.createClonePointer(op, vm, target));
  }

  @Override
  public VmInfo configureClone(OperationId op, CloneSpec spec) {
    return operations.once(op, VmInfo.class, () -> cloner.configureClone(op, spec));
  }

  @Override
  public io.hotclone.hypervisor.HostCapacity capacity(HostName host) {
    state.checkHost(host);
    synchronized (state) {
      long total = state.hostMemory.getOrDefault(host, DEFAULT_HOST_MEMORY_BYTES);
      long used = 0;
      int count = 0;
      for (EmbeddedVm vm : state.vms.values()) {
        if (vm.host.equals(host)) {
          used += vm.memoryBytes;
          count++;
        }
      }
      return new io.hotclone.hypervisor.HostCapacity(host, total, Math.max(0, total - used), used, count);
    }
  }

  @Override
  public VmInfo bringLinksUp(VmId vm) {
    return cloner.bringLinksUp(vm);
  }

  @Override
  public VmInfo startClone(OperationId op, VmId clone) {
    return operations.once(op, VmInfo.class, () -> cloner.startClone(clone));
  }

  /**
   * Thaws what {@code cloneId} holds, destroys its clones that were configured but never started,
   * releases its unused pointers, deletes its images and unpins its cut layer. Idempotent.
   */
  @Override
  public void release(UUID cloneId) {
    cloner.release(cloneId);
  }

  @Override
  public void destroyVm(VmId vm) {
    lifecycle.destroyVm(vm);
  }

  @Override
  public void close() {
    if (state.closed) {
      return;
    }
    state.closed = true;
    guests.shutdownNow();
    watchdog.shutdownNow();
    try {
      guests.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (state) {
      for (VmId id : List.copyOf(state.vms.keySet())) {
        lifecycle.destroyVm(id);
      }
      for (PointerRecord p : state.pointers.values()) {
        state.storage.release(p.layer);
      }
      state.pointers.clear();
      state.storage.close();
    }
  }

  // ---------------------------------------------------------------- inspection and injection

  /** Physical memory an embedded host reports until {@link #setHostMemory} says otherwise: 16 GiB. */
  public static final long DEFAULT_HOST_MEMORY_BYTES = 16L << 30;

  /**
   * Sets the physical memory {@link #capacity} reports for {@code host} (tests and devstack model
   * small or large hosts); free memory is that minus the memory of the host's VMs.
   */
  public void setHostMemory(HostName host, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative memory");
    }
    synchronized (state) {
      if (!state.hosts.containsKey(host)) {
        throw new HypervisorException.HostNotFound(host);
      }
      state.hostMemory.put(host, bytes);
    }
  }

  /** Makes every operation targeting {@code host} throw {@code HostUnreachable} (or stop doing so). */
  public void setHostReachable(HostName host, boolean reachable) {
    synchronized (state) {
      if (!state.hosts.containsKey(host)) {
        throw new HypervisorException.HostNotFound(host);
      }
      state.hosts.put(host, reachable);
    }
  }

  /**
   * From now on the guest of {@code vm} answers no guest agent, as a guest image without one (a
   * busybox guest on libvirt): its clones' guests cannot be given their identity, and each clone's
   * {@link IdentityPolicy} decides, as on libvirt: {@code isolate} → the clone runs with its link
   * held down ({@code ISOLATED}), {@code allow} → link up, identity not applied ({@code UNAPPLIED}),
   * {@code require-agent} → the clone is refused ({@code IdentityNotApplied}). Its clones' guests
   * have no agent either.
   */
  public void removeGuestAgent(VmId vm) {
    synchronized (state) {
      state.existingVm(vm).agent = false;
    }
  }

  /** Stops the guest between two iterations; the VM reports {@code PAUSED}. */
  public void pauseGuest(VmId vm) {
    setPaused(vm, true);
  }

  public void resumeGuest(VmId vm) {
    setPaused(vm, false);
  }

  /** Memory page {@code page} as the guest sees it now (write buffers first). */
  public byte[] readPage(VmId vm, long page) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      return v.memory.read(page);
    } finally {
      v.lock.unlock();
    }
  }

  /** Disk block {@code block} (64 KiB) as the VM sees it now. */
  public byte[] readDiskBlock(VmId vm, int block) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      ByteBuffer b = ByteBuffer.allocate(BlockArena.BLOCK);
      state.storage.read(v.disk, block, 0, b);
      return b.array();
    } finally {
      v.lock.unlock();
    }
  }

  /** Test hook: writes {@code data} into the VM's disk as the guest would (copy-on-write). */
  public void writeDisk(VmId vm, int block, int offset, byte[] data) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      state.storage.write(v.disk, block, offset, ByteBuffer.wrap(data));
    } finally {
      v.lock.unlock();
    }
  }

  /** Test hook: writes {@code values} into memory as the guest would (buffered while frozen). */
  public void writeMemory(VmId vm, long page, int offset, long... values) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      v.memory.writeLongs(page, offset, values);
    } finally {
      v.lock.unlock();
    }
  }

  /**
   * Compares the VM's whole memory, disk, registers and checksum with what its guest workload must
   * have produced from zero at its current counter; the guest is held still meanwhile. A clone
   * passes only if it started from its source's exact state at the cut and lost nothing since.
   */
  public GuestCheck verifyGuest(VmId vm) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      return GuestVerifier.verify(v, state.storage);
    } finally {
      v.lock.unlock();
    }
  }

  /** The cut record of a started clone (I1). */
  public Optional<CloneCut> cloneCut(VmId clone) {
    return Optional.ofNullable(state.cuts.get(clone));
  }

  public StorageStats storageStats() {
    return state.storage.stats();
  }

  /**
   * The part of {@link #storageStats} that only this VM holds (its private layers, their blocks and
   * references): what destroying it must free. Stable only while every guest is paused.
   */
  public StorageStats exclusiveStorage(VmId vm) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      return state.storage.exclusive(v.disk);
    } finally {
      v.lock.unlock();
    }
  }

  /** SHA-256 of the disk as the frozen layer {@code baseRef} (a state.storage or cut base) holds it. */
  public String baseDigest(String baseRef) {
    Layer l = state.storage.layer(baseRef)
        .orElseThrow(() -> new HypervisorException.DriverFailure("no layer " + baseRef, null));
    if (!l.frozen) {
      throw new HypervisorException.DriverFailure(baseRef + " is not a frozen base", null);
    }
    return state.storage.digest(l);
  }

  /** SHA-256 of the VM's non-zero memory pages as the guest sees them now. */
  public String memoryDigest(VmId vm) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      return v.memory.digest(false);
    } finally {
      v.lock.unlock();
    }
  }

  /** SHA-256 of the VM's non-zero disk blocks as it sees them now. */
  public String diskDigest(VmId vm) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      return state.storage.digest(v.disk);
    } finally {
      v.lock.unlock();
    }
  }

  /** Pages held in write buffers (frozen memory or a merge in progress). */
  public int bufferedPages(VmId vm) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      return v.memory.bufferedPages();
    } finally {
      v.lock.unlock();
    }
  }

  /** Whether the tier {@code swap} or {@code ram} of the VM is frozen now. */
  public boolean isMemoryFrozen(VmId vm, String tier) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      return v.memory.isFrozen(PageMemory.Tier.valueOf(tier.toUpperCase()));
    } finally {
      v.lock.unlock();
    }
  }

  /** Whether some clone id holds a storage freeze of the VM now (its writes go to a new layer). */
  public boolean isStorageFrozen(VmId vm) {
    synchronized (state) {
      return state.sessions.values().stream().anyMatch(s -> s.source.equals(vm) && s.storageHeld);
    }
  }

  /**
   * Per step of {@code cloneId} (e.g. {@code freeze-memory}, {@code copy-0}): how many times the
   * hypervisor was asked to perform it.
   */
  public Map<String, Integer> operationCalls(UUID cloneId) {
    return operations.calls(cloneId);
  }

  /** Per step of {@code cloneId}: how many times the hypervisor performed it (effect, not repeat). */
  public Map<String, Integer> operationEffects(UUID cloneId) {
    return operations.effects(cloneId);
  }

  /**
   * Failure injection: the next call of {@code step} (e.g. {@code copy-0}) of clone {@code cloneId}
   * fails with a {@code DriverFailure} of {@code reason} before doing anything; other clones' calls
   * of the step run as usual.
   */
  public void failNextOperation(UUID cloneId, String step, String reason) {
    operations.failNext(cloneId, step, reason);
  }

  /**
   * Test hook: the next call of {@code step} (any clone) waits before it runs until the returned
   * gate is run (at most a minute, then it fails). A failure armed for the held call's clone while
   * it waits fails it once it is let go.
   */
  public Runnable holdNextOperation(String step) {
    return operations.holdNext(step);
  }

  /** Guest write latencies recorded since the last call (needs {@code recordWriteLatency}). */
  public long[] drainWriteLatencies(VmId vm) {
    EmbeddedVm v = state.existingVm(vm);
    return v.latencies == null ? new long[0] : v.latencies.drain();
  }

  // ---------------------------------------------------------------- internals

  private void tickShard(int shard) {
    try {
      int n = state.options.schedulerThreads();
      for (EmbeddedVm vm : state.vms.values()) {
        if (n == 1 || Math.floorMod(vm.id.hashCode(), n) == shard) {
          vm.tick(state.storage);
        }
      }
    } catch (RuntimeException e) {
      log.error("guest tick failed", e);
    }
  }

  private void setPaused(VmId vm, boolean paused) {
    EmbeddedVm v = state.existingVm(vm);
    v.lock.lock();
    try {
      v.guestPaused = paused;
    } finally {
      v.lock.unlock();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
