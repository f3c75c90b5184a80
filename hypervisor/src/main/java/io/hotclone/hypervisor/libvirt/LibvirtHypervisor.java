package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.CloneSpec;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.FaultPoints;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.MemoryThaw;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.OperationJournal;
import io.hotclone.hypervisor.StorageFreeze;
import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.StorageThaw;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The hot-clone method on libvirt/QEMU hosts. Each SPI operation is one small class (see the
 * package documentation for the mapping); this class wires them, records first results by
 * operation id and owns the connections and the lease watchdog.
 *
 * <p>Construct with a host name to libvirt URI map (e.g. {@code host-a -> qemu:///system},
 * {@code host-b -> qemu+tcp://10.231.0.2/system}) and {@link LibvirtOptions}.
 */
public final class LibvirtHypervisor implements Hypervisor {
  private final Hosts hosts;
  private final OperationJournal journal = new OperationJournal();
  private final Leases leases;
  private final VmInspector inspector = new VmInspector();
  private final StorageFreezer storageFreezer;
  private final LiveSnapshotter liveSnapshotter;
  private final BackgroundSnapshotter backgroundSnapshotter;
  private final LibvirtOptions.MemoryFreezeMethod memoryFreeze;
  private final StateCopier stateCopier;
  private final ClonePointerMaker clonePointerMaker;
  private final CloneDefiner cloneDefiner;
  private final CloneStarter cloneStarter;
  private final Thaws thaws;
  private final Releaser releaser;
  private final VmRemover remover;
  private final GuestVmCreator creator;

  public LibvirtHypervisor(Map<HostName, String> hostUris, LibvirtOptions options) {
    this(hostUris, options, FaultPoints.NONE);
  }

  /** With the points a crash-window test halts at ({@link FaultPoints#NONE} in production). */
  public LibvirtHypervisor(Map<HostName, String> hostUris, LibvirtOptions options, FaultPoints faults) {
    this(hostUris, options, Clock.systemUTC(), Duration.ofSeconds(1), faults);
  }

  /** With the watchdog's clock and period (tests). */
  public LibvirtHypervisor(Map<HostName, String> hostUris, LibvirtOptions options, Clock clock, Duration watchdogPeriod) {
    this(hostUris, options, clock, watchdogPeriod, FaultPoints.NONE);
  }

  /** With the watchdog's clock and period and the fault points (tests). */
  public LibvirtHypervisor(
      Map<HostName, String> hostUris, LibvirtOptions options, Clock clock, Duration watchdogPeriod, FaultPoints faults) {
    for (HostName h : hostUris.keySet()) {
      options.hostDir(h); // every host needs its storage directory
    }
    this.hosts = new Hosts(hostUris, options.hostAuth(), System::getenv, new PauseMeter());
    Pools pools = new Pools(hosts, options);
    Thawer thawer = new Thawer(hosts);
    FileReaper reaper = new FileReaper(hosts, pools, options);
    this.leases = new Leases(hosts, clock, watchdogPeriod, thawer::thaw);
    this.storageFreezer = new StorageFreezer(hosts, options, leases, reaper);
    this.liveSnapshotter = new LiveSnapshotter(hosts, options, leases, pools);
    this.backgroundSnapshotter = new BackgroundSnapshotter(hosts, options, leases, pools);
    this.memoryFreeze = options.memoryFreeze();
    this.stateCopier = new StateCopier(hosts, leases, pools, options);
    this.clonePointerMaker = new ClonePointerMaker(hosts, pools, options);
    this.cloneDefiner = new CloneDefiner(hosts, pools, options, inspector);
    this.cloneStarter = new CloneStarter(hosts, reaper, inspector, new IdentityApplier(java.time.Duration.ofSeconds(10), 5), faults);
    this.thaws = new Thaws(hosts, leases, reaper, options);
    this.remover = new VmRemover(hosts, reaper);
    this.releaser = new Releaser(hosts, pools, leases, thawer, reaper, remover);
    this.creator = new GuestVmCreator(hosts, pools, options, inspector);
  }

  @Override
  public String driverName() {
    return "libvirt";
  }

  /** The configured hosts' names; no connection is made. */
  @Override
  public List<HostName> hostNames() {
    return List.copyOf(hosts.names());
  }

  @Override
  public List<HostInfo> hosts() {
    List<HostInfo> result = new ArrayList<>();
    for (HostName h : hosts.names()) {
      boolean up = hosts.reachable(h);
      int running = 0;
      String reason = null;
      if (up) {
        try {
          running = hosts.connect(h).numOfDomains();
        } catch (org.libvirt.LibvirtException e) {
          up = false;
          reason = e.getMessage();
        }
      } else {
        reason = hosts.failure(h).orElse(null);
      }
      result.add(new HostInfo(h, driverName(), hosts.uri(h), up, running, reason));
    }
    return result;
  }

  @Override
  public List<VmInfo> vms(HostName host) {
    List<VmInfo> result = new ArrayList<>();
    for (DomainRef d : hosts.all(host)) {
      try (d) {
        result.add(inspector.info(d));
      }
    }
    return result;
  }

  @Override
  public Optional<VmInfo> findVm(VmId vm) {
    return hosts.locate(vm).map(d -> {
      try (d) {
        return inspector.info(d);
      }
    });
  }

  @Override
  public VmInfo createVm(VmSpec spec) {
    return creator.create(spec);
  }

  @Override
  public StorageFreeze freezeStorage(OperationId op, VmId vm, Duration lease) {
    return journal.once(op, StorageFreeze.class, () -> storageFreezer.freeze(op, vm, lease));
  }

  @Override
  public MemoryFreeze freezeMemory(OperationId op, VmId vm, Duration lease) {
    return journal.once(op, MemoryFreeze.class, () -> switch (memoryFreezeFor(vm)) {
      case BACKGROUND_SNAPSHOT -> backgroundSnapshotter.freeze(op, vm, lease);
      default -> liveSnapshotter.freeze(op, vm, lease);
    });
  }

  /** The method {@link LibvirtOptions#memoryFreeze()} selects for {@code vm}, AUTO resolved. */
  LibvirtOptions.MemoryFreezeMethod memoryFreezeFor(VmId vm) {
    if (memoryFreeze != LibvirtOptions.MemoryFreezeMethod.AUTO) {
      return memoryFreeze;
    }
    try (DomainRef d = hosts.require(vm)) {
      return backgroundSnapshotter.supported(d)
          ? LibvirtOptions.MemoryFreezeMethod.BACKGROUND_SNAPSHOT
          : LibvirtOptions.MemoryFreezeMethod.LIVE_SNAPSHOT;
    }
  }

  /** The background snapshotter, for tests that make its save fail. */
  BackgroundSnapshotter backgroundSnapshotter() {
    return backgroundSnapshotter;
  }

  @Override
  public CopiedState copyState(OperationId op, VmId vm, HostName target) {
    hosts.uri(target);
    return journal.once(op, CopiedState.class, () -> stateCopier.copy(op, vm, target));
  }

  @Override
  public MemoryThaw unfreezeMemory(OperationId op, VmId vm) {
    return journal.once(op, MemoryThaw.class, () -> thaws.memory(op, vm));
  }

  @Override
  public StorageThaw unfreezeStorage(OperationId op, VmId vm) {
    return journal.once(op, StorageThaw.class, () -> thaws.storage(op, vm));
  }

  @Override
  public StoragePointer createClonePointer(OperationId op, VmId vm, HostName target) {
    hosts.uri(target);
    return journal.once(op, StoragePointer.class, () -> clonePointerMaker.create(op, vm, target));
  }

  @Override
  public VmInfo configureClone(OperationId op, CloneSpec spec) {
    return journal.once(op, VmInfo.class, () -> cloneDefiner.configure(op, spec));
  }

  @Override
  public io.hotclone.hypervisor.HostCapacity capacity(HostName host) {
    return new HostMemory(hosts).capacity(host);
  }

  @Override
  public VmInfo bringLinksUp(VmId vm) {
    return cloneStarter.bringLinksUp(vm);
  }

  @Override
  public VmInfo startClone(OperationId op, VmId clone) {
    journal.once(op, VmInfo.class, () -> cloneStarter.start(op, clone));
    return requireVm(clone);
  }

  @Override
  public void release(UUID cloneId) {
    releaser.release(cloneId);
    journal.forgetClone(cloneId);
  }

  @Override
  public void destroyVm(VmId vm) {
    remover.destroy(vm);
  }

  /**
   * The files of the VM's first disk, active overlay first, as its host reports them (driver
   * specific: the lineage of its storage, and what the chain budget bounds).
   */
  public List<String> backingChain(VmId vm) {
    try (DomainRef d = hosts.require(vm)) {
      return DomainXml.parse(d.xml()).firstDiskChain();
    }
  }

  /** The chain of every disk of the VM by target, in device order (see {@link #backingChain}). */
  public java.util.Map<String, List<String>> backingChains(VmId vm) {
    try (DomainRef d = hosts.require(vm)) {
      java.util.Map<String, List<String>> chains = new java.util.LinkedHashMap<>();
      for (DomainXml.Disk disk : DomainXml.parse(d.xml()).disks()) {
        chains.put(disk.target(), disk.chain());
      }
      return chains;
    }
  }

  /** The freeze lease of {@code cloneId} recorded on the VM's domain, if any (tests, operators). */
  public Optional<String> freezeState(VmId vm, UUID cloneId) {
    try (DomainRef d = hosts.require(vm)) {
      return Leases.book(d).find(cloneId).map(e -> e.state().name());
    }
  }

  /** The VM's state straight from its host (virDomainGetState). */
  public VmState state(VmId vm) {
    try (DomainRef d = hosts.require(vm)) {
      return d.state();
    }
  }

  @Override
  public void close() {
    leases.close();
    hosts.close();
  }
}
