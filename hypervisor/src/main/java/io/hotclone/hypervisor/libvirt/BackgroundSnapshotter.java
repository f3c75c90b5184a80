package io.hotclone.hypervisor.libvirt;

import tools.jackson.databind.JsonNode;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.MemoryFreeze;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmState;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2 by QEMU's {@code background-snapshot} migration capability, the patent's freeze with
 * write buffers: the cut overlays are made ({@link CutOverlays}), the source is suspended, every
 * disk switched to its {@link Names#cutOverlay} by a disk-only external snapshot
 * (NO_METADATA|DISK_ONLY|ATOMIC|REUSE_EXT) while no vCPU runs, and a migration
 * to the memory image started (on a descriptor, or by libvirtd's own save: {@link Route}); QEMU saves vCPU and device state, write-protects
 * guest RAM (userfaultfd) and resumes the guest itself (the driver waits for that and resumes
 * only after a failure, or after {@link #RESUME_WAIT}, discarding the image). RAM is then saved while the guest runs,
 * each page as it was at the cut: a page the guest is about to write is saved first. Disk and
 * memory are one cut (I1): the instant between suspend and resume. The pause is the disk switch
 * plus the device state, not the size or write rate of RAM; it is measured from lifecycle events.
 *
 * <p>libvirt 9 does not drive this capability, so the migration goes through the QEMU monitor
 * passthrough ({@link QemuMonitor}); libvirt marks the source tainted. Containment: the capability
 * is switched off again and the source is resumed if paused in every outcome; the image stays
 * {@code LibvirtQemudPart} until the stream completed and the XML is in ({@link BackgroundImage}).
 * A failure after the disk switch leaves the cut overlays on the running source and no complete
 * image: a repeat of the step refuses (DriverFailure), and the release merges the overlays back out
 * as for any failed clone. A repeat after success finds the cut and the complete image and does
 * nothing twice.
 *
 * <p>Known limit of QEMU 7.2 (seen on these hosts): once the background migration has started, a
 * failure of its stream (a write error on the descriptor) or a {@code migrate_cancel} leaves the
 * QEMU process hung, guest and monitor. The driver therefore never cancels a started save, checks
 * everything it can before starting it (descriptor handed over, disk cut made), and writes into a
 * file it created itself; what remains (the disk filling up mid-stream) is documented.
 */
final class BackgroundSnapshotter {
  private static final Logger log = LoggerFactory.getLogger(BackgroundSnapshotter.class);
  static final List<String> TIERS = List.of("devices", "vcpu", "ram-write-protected");
  private static final int XML_SECURE = 1;
  private static final int XML_MIGRATABLE = 8;
  private static final String CAPABILITY = "background-snapshot";
  /** How long QEMU may take to save device state and resume the guest before the driver does. */
  static final Duration RESUME_WAIT = Duration.ofSeconds(5);

  private final Hosts hosts;
  private final LibvirtOptions options;
  private final Leases leases;
  private final Pools pools;
  private final CutOverlays overlays;
  private final Map<String, Boolean> supportByHost = new ConcurrentHashMap<>();

  /** Runs paused, before the disk switch; tests make the switch fail here. */
  volatile Consumer<DomainRef> beforeSwitch = d -> {};

  /** Runs paused, after the disk cut and before the migration starts; tests make the save fail here. */
  volatile Consumer<DomainRef> beforeMigrate = d -> {};

  /** The route every host takes when set (benchmarks compare the two on one host); else {@link #routeFor}. */
  volatile Route route;

  /** Runs once the guest runs again and RAM is being saved; tests look at the source here. */
  volatile Consumer<DomainRef> duringSave = d -> {};

  BackgroundSnapshotter(Hosts hosts, LibvirtOptions options, Leases leases, Pools pools) {
    this.hosts = hosts;
    this.options = options;
    this.leases = leases;
    this.pools = pools;
    this.overlays = new CutOverlays(pools);
  }

  /**
   * Whether the source's host can take a background snapshot: a QEMU that accepts the capability
   * (it checks userfaultfd write-protect for its own process), over any connection (a local socket
   * takes the {@link Route#DESCRIPTOR} route, a remote one {@link Route#LIBVIRT_SAVE}). Probed once
   * per host; the probe leaves the capability off.
   */
  boolean supported(DomainRef d) {
    return supportByHost.computeIfAbsent(d.host().value(), h -> probe(d));
  }

  private boolean probe(DomainRef d) {
    try {
      setCapability(d, true);
      setCapability(d, false);
      return true;
    } catch (HypervisorException e) {
      return false;
    }
  }

  /**
   * How QEMU's stream reaches the memory image. Both stop the guest once for the disk cut and the
   * start of the background migration, and QEMU resumes it once device state is saved.
   */
  enum Route {
    /**
     * The driver creates the image file and hands QEMU a descriptor on it over the connection's
     * socket (QMP {@code getfd}, then {@code migrate fd:}); the driver writes the save header.
     * Needs a connection that passes descriptors (a local socket) and the image directory visible
     * to the driver.
     */
    DESCRIPTOR,
    /**
     * libvirt's own memory-only external snapshot of the stopped guest, with the capability set
     * beforehand through the monitor passthrough: libvirtd opens the file on the host, writes the
     * save header and waits for QEMU's stream, as for any save; QEMU, seeing the capability,
     * write-protects RAM, resumes the guest and saves RAM while it runs. Works over every
     * transport ({@code qemu+tcp}, {@code qemu+tls}, {@code qemu+ssh}); the job lives in libvirtd,
     * so a driver that dies during the save finds the image completed by libvirtd when it repeats
     * the step.
     */
    LIBVIRT_SAVE
  }

  /** The route for a host reached by {@code uri}. */
  static Route routeFor(String uri) {
    return passesFds(uri) ? Route.DESCRIPTOR : Route.LIBVIRT_SAVE;
  }

  static boolean passesFds(String uri) {
    URI u = URI.create(uri);
    String scheme = u.getScheme() == null ? "" : u.getScheme();
    return (u.getHost() == null || u.getHost().isEmpty()) && !scheme.contains("+tcp") && !scheme.contains("+tls") && !scheme.contains("+ssh")
        || scheme.endsWith("+unix");
  }

  MemoryFreeze freeze(OperationId op, VmId vm, Duration lease) {
    try (DomainRef d = hosts.require(vm)) {
      Leases.Lease l = leases.holdMemory(op, d, lease);
      Path image = options.memoryImageDir(d.host()).resolve(Names.memoryImage(op.cloneId()));
      LiveSnapshotter.CutPlan plan = LiveSnapshotter.CutPlan.of(op, vm, d, options);
      Instant cutAt;
      long pause;
      Route route = this.route != null ? this.route : routeFor(hosts.uri(d.host()));
      if (plan.done()) {
        if (route == Route.LIBVIRT_SAVE) {
          awaitNoJob(d, lease); // an earlier attempt's save may still be running in libvirtd
          LiveSnapshotter.imageBytes(pools, d, image.toString()); // CorruptImage when libvirtd removed it (failed)
        } else if (!BackgroundImage.isComplete(image)) {
          throw new HypervisorException.DriverFailure(
              "the cut of " + op + " was made but its memory image is missing or incomplete: release the clone", null);
        }
        Optional<FreezeBook.Cut> recorded = Leases.cutOf(d, op.cloneId());
        cutAt = recorded.map(FreezeBook.Cut::at).orElseGet(Instant::now);
        pause = recorded.map(FreezeBook.Cut::pauseNanos).orElse(-1L);
      } else {
        plan.requireWholeAndRunning(d);
        long since = System.nanoTime();
        cutAt = route == Route.LIBVIRT_SAVE ? saveThroughLibvirt(op, d, plan, image, lease) : save(op, d, plan, image, lease);
        pause = hosts.pauses().pauseSince(vm.value(), since, Duration.ofSeconds(2)).orElse(-1);
        leases.recordCut(op, d, cutAt, pause);
      }
      return new MemoryFreeze(op, vm, TIERS, cutAt, pause, LiveSnapshotter.imageBytes(pools, d, image.toString()), plan.base(), l.until());
    }
  }

  private Instant save(OperationId op, DomainRef d, LiveSnapshotter.CutPlan plan, Path image, Duration lease) {
    String fdName = "hc-" + op.cloneId();
    boolean fdHanded = false;
    boolean switched = false;
    boolean ok = false;
    setCapability(d, true);
    try {
      overlays.make(d, plan);
      BackgroundImage.reserve(image);
      int fd = QemuMonitor.openAppend(image);
      try {
        QemuMonitor.executeWithFd(d, "getfd", "{\"fdname\":\"" + fdName + "\"}", fd);
        fdHanded = true;
      } finally {
        QemuMonitor.close(fd);
      }
      Instant cutAt;
      long t0 = System.nanoTime();
      suspend(d);
      long t1 = System.nanoTime();
      try {
        cutAt = Instant.now();
        beforeSwitch.accept(d);
        Snapshots.create(
            d, Snapshots.xml("hc-" + op.cloneId() + "-cut", plan.cuts(), null),
            Snapshots.NO_METADATA | Snapshots.DISK_ONLY | Snapshots.ATOMIC | CutOverlays.REUSE_EXT, "disk cut");
        switched = true;
        long t2 = System.nanoTime();
        beforeMigrate.accept(d);
        QemuMonitor.execute(d, "migrate", "{\"uri\":\"fd:" + fdName + "\"}");
        long t3 = System.nanoTime();
        fdHanded = false; // the migration owns it now
        // QEMU resumes the guest itself once device state is saved and RAM write-protected; a
        // resume of ours before that would let the guest run between the disk cut and the
        // memory cut
        awaitResumedByQemu(d);
        log.debug("cut of {}: suspend {} µs, disk switch {} µs, migrate {} µs, resumed by QEMU {} µs later",
            d.name(), (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000, (System.nanoTime() - t3) / 1000);
      } finally {
        resumeIfPaused(d); // only after a failure: the source is never left paused
      }
      duringSave.accept(d);
      String xml = d.domain().getXMLDesc(XML_SECURE | XML_MIGRATABLE);
      awaitCompleted(d, lease);
      BackgroundImage.complete(image, xml);
      ok = true;
      return cutAt;
    } catch (LibvirtException e) {
      throw Failures.driver("domain XML of " + d.name(), e);
    } finally {
      if (fdHanded) {
        quietly(() -> QemuMonitor.execute(d, "closefd", "{\"fdname\":\"" + fdName + "\"}"));
      }
      quietly(() -> setCapability(d, false));
      resumeIfPaused(d);
      if (!ok) {
        quietly(() -> Files.deleteIfExists(image));
      }
      if (!switched) {
        overlays.discard(d, plan);
      }
    }
  }

  /**
   * {@link Route#LIBVIRT_SAVE}: suspend, disk cut, then libvirt's memory-only external snapshot of
   * the stopped guest (every disk {@code snapshot='no'}) on a second thread; this thread waits for
   * QEMU to resume the guest (the end of the stop), then for the snapshot call to return (the
   * image complete, header and all, written by libvirtd).
   */
  private Instant saveThroughLibvirt(OperationId op, DomainRef d, LiveSnapshotter.CutPlan plan, Path image, Duration lease) {
    boolean switched = false;
    setCapability(d, true);
    try {
      overlays.make(d, plan);
      List<String> targets = DomainXml.parse(d.xml()).disks().stream().map(DomainXml.Disk::target).toList();
      String memoryOnly = Snapshots.memoryOnlyXml("hc-" + op.cloneId() + "-memory", targets, image.toString());
      long t0 = System.nanoTime();
      suspend(d);
      Instant cutAt = Instant.now();
      java.util.concurrent.CompletableFuture<Void> saved;
      try {
        beforeSwitch.accept(d);
        Snapshots.create(
            d, Snapshots.xml("hc-" + op.cloneId() + "-cut", plan.cuts(), null),
            Snapshots.NO_METADATA | Snapshots.DISK_ONLY | Snapshots.ATOMIC | CutOverlays.REUSE_EXT, "disk cut");
        switched = true;
        long t1 = System.nanoTime();
        beforeMigrate.accept(d);
        saved = java.util.concurrent.CompletableFuture.runAsync(
            () -> Snapshots.create(d, memoryOnly, Snapshots.NO_METADATA, "background memory snapshot"),
            BackgroundSnapshotter::saveThread);
        awaitResumed(d, saved);
        log.debug("cut of {} through libvirt: suspend + disk switch {} µs, resumed by QEMU {} µs later",
            d.name(), (t1 - t0) / 1000, (System.nanoTime() - t1) / 1000);
      } finally {
        if (!switched) {
          resumeIfPaused(d);
        }
      }
      duringSave.accept(d);
      try {
        saved.get(lease.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new HypervisorException.DriverFailure(e.getCause().getMessage(), e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new HypervisorException.DriverFailure("background snapshot of " + d.name() + " outlived its lease", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HypervisorException.DriverFailure("interrupted waiting for the background snapshot", e);
      }
      return cutAt;
    } finally {
      quietly(() -> setCapability(d, false));
      resumeIfPaused(d);
      if (!switched) {
        overlays.discard(d, plan);
      }
    }
  }

  private static void saveThread(Runnable r) {
    Thread t = new Thread(r, "hc-background-save");
    t.setDaemon(true);
    t.start();
  }

  /** Waits until QEMU resumed the guest, or the snapshot call failed (then resumes it itself). */
  private static void awaitResumed(DomainRef d, java.util.concurrent.CompletableFuture<Void> saved) {
    long deadline = System.nanoTime() + RESUME_WAIT.toNanos();
    while (d.state() != VmState.RUNNING) {
      if (saved.isCompletedExceptionally()) {
        saved.join(); // throws the snapshot's failure
      }
      if (saved.isDone()) {
        return; // completed while we looked: libvirt resumes nothing it did not pause, QEMU did
      }
      if (System.nanoTime() > deadline) {
        throw new HypervisorException.DriverFailure("QEMU did not resume " + d.name() + " within " + RESUME_WAIT + " of the background snapshot", null);
      }
      sleepMillis(1);
    }
  }

  /** Waits while libvirtd runs a job on the domain (an earlier attempt's save), up to {@code lease}. */
  private static void awaitNoJob(DomainRef d, Duration lease) {
    long deadline = System.nanoTime() + lease.toNanos();
    try {
      while (d.domain().getJobInfo().getType() != 0) {
        if (System.nanoTime() > deadline) {
          throw new HypervisorException.DriverFailure("the save of " + d.name() + " of an earlier attempt outlived its lease", null);
        }
        sleepMillis(10);
      }
    } catch (LibvirtException e) {
      throw Failures.driver("job of " + d.name(), e);
    }
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HypervisorException.DriverFailure("interrupted during the background snapshot", e);
    }
  }

  private static void awaitResumedByQemu(DomainRef d) {
    long deadline = System.nanoTime() + RESUME_WAIT.toNanos();
    while (d.state() != VmState.RUNNING) {
      String status = QemuMonitor.execute(d, "query-migrate", null).path("status").asString("");
      if (status.equals("failed") || status.equals("cancelled")) {
        throw new HypervisorException.DriverFailure("background snapshot of " + d.name() + " " + status + " before the guest ran again", null);
      }
      if (System.nanoTime() > deadline) {
        throw new HypervisorException.DriverFailure(
            "QEMU did not resume " + d.name() + " within " + RESUME_WAIT + " of the background snapshot (status " + status + ")", null);
      }
      sleepMillis(1);
    }
  }

  private void awaitCompleted(DomainRef d, Duration lease) {
    long deadline = System.nanoTime() + lease.toNanos();
    while (true) {
      JsonNode info = QemuMonitor.execute(d, "query-migrate", null);
      String status = info.path("status").asString("");
      switch (status) {
        case "completed":
          return;
        case "failed":
        case "cancelled":
        case "cancelling":
          throw new HypervisorException.DriverFailure(
              "background snapshot of " + d.name() + " " + status + ": " + info.path("error-desc").asString(""), null);
        default:
          if (System.nanoTime() > deadline) {
            throw new HypervisorException.DriverFailure("background snapshot of " + d.name() + " outlived its lease", null);
          }
          sleepMillis(10);
      }
    }
  }

  private static void setCapability(DomainRef d, boolean on) {
    QemuMonitor.execute(d, "migrate-set-capabilities",
        "{\"capabilities\":[{\"capability\":\"" + CAPABILITY + "\",\"state\":" + on + "}]}");
  }

  private static void suspend(DomainRef d) {
    try {
      d.domain().suspend();
    } catch (LibvirtException e) {
      throw Failures.driver("suspend " + d.name() + " for the cut", e);
    }
  }

  private static void resumeIfPaused(DomainRef d) {
    if (d.state() == VmState.PAUSED) {
      try {
        d.domain().resume();
      } catch (LibvirtException e) {
        if (d.state() == VmState.PAUSED) {
          throw Failures.driver("resume " + d.name() + " after the cut", e);
        }
      }
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(Step step) {
    try {
      step.run();
    } catch (Exception ignored) {
      // best effort cleanup; the first failure is the one reported
    }
  }
}
