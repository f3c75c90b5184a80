package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.FaultPoints;
import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.GuestIdentity.Item;
import io.hotclone.hypervisor.GuestIdentity.Status;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import java.util.ArrayList;
import java.util.List;
import org.libvirt.LibvirtException;

/**
 * Starts a configured clone: restores its rewritten image on its host paused, sets every NIC's
 * link down, resumes the guest (it continues from the copied RAM, vCPU and device state), gives
 * the guest its identity ({@link IdentityApplier}), and brings the link up only when that is done
 * or the clone's {@link io.hotclone.hypervisor.IdentityPolicy} allows it, unless the clone is a
 * standby one ({@link IdentityIntent#standby()}): then they stay down until {@link #bringLinksUp}. The outcome is recorded
 * on the domain ({@link IdentityReports}); under {@code require-agent} a guest that could not be
 * re-identified fails the start (the caller destroys it). Last, the state image (needed only by
 * the start) is deleted.
 *
 * <p>A repeated start converges, whatever the moment the earlier one was interrupted: a domain
 * still defined is restored; a running one without a report has its links set down again, is
 * resumed if paused and gets its identity applied again; one with a report has its links set as
 * the report says, is resumed if paused, and its image deleted. It returns only when the domain
 * runs, and fails otherwise, so a clone is never reported started while paused.
 */
final class CloneStarter {
  private final Hosts hosts;
  private final FileReaper reaper;
  private final VmInspector inspector;
  private final IdentityApplier applier;
  private final FaultPoints faults;

  CloneStarter(Hosts hosts, FileReaper reaper, VmInspector inspector, IdentityApplier applier, FaultPoints faults) {
    this.hosts = hosts;
    this.reaper = reaper;
    this.inspector = inspector;
    this.applier = applier;
    this.faults = faults;
  }

  VmInfo start(OperationId op, VmId clone) {
    long t0 = System.nanoTime();
    try (DomainRef d = hosts.require(clone)) {
      DomainXml xml = DomainXml.parse(d.xml());
      IdentityIntent intent = IdentityRewriter.intent(xml);
      String image = IdentityRewriter.stateImage(xml);
      List<Item> pre = new ArrayList<>();
      if (!d.active()) {
        if (image == null || image.isEmpty()) {
          throw new HypervisorException.NotFrozen(op, "clone " + clone + " has no state image to start from");
        }
        int flags = intent == null ? LibvirtNative.VIR_DOMAIN_SAVE_RUNNING : LibvirtNative.VIR_DOMAIN_SAVE_PAUSED;
        if (LibvirtNative.get().virDomainRestoreFlags(NativeHandles.of(hosts.connect(d.host())), image, null, flags) < 0) {
          throw Failures.nativeCall("restore " + clone + " from " + image);
        }
        faults.reach(FaultPoints.START_RESTORED);
        if (intent != null) {
          pre.add(new Item("link-down", Status.APPLIED, Links.set(d, false) + " NIC(s), before the guest ran", millis(t0)));
        }
      } else if (intent != null) {
        GuestIdentity recorded = IdentityReports.of(xml);
        if (recorded != null) {
          return finish(d, image, linkBelongsUp(recorded) && !Links.allUp(xml));
        }
        pre.add(new Item("link-down", Status.APPLIED, Links.set(d, false) + " NIC(s), again after an interrupted start", millis(t0)));
      }
      if (intent == null) {
        return finish(d, image, false);
      }
      faults.reach(FaultPoints.START_LINKS_DOWN);
      resumeIfPaused(d);
      faults.reach(FaultPoints.START_RESUMED);
      identify(d, intent, t0, pre);
      faults.reach(FaultPoints.START_IDENTIFIED);
      return finish(d, image, false);
    }
  }

  /**
   * Brings the links of a running clone up (a standby clone's claim, or an isolated one let out)
   * and records that in its identity report. Idempotent: links already up are set up again, a
   * report that says so is left as it is.
   */
  VmInfo bringLinksUp(VmId vm) {
    long t0 = System.nanoTime();
    try (DomainRef d = hosts.require(vm)) {
      if (!d.active()) {
        throw new HypervisorException.VmNotRunning(vm, d.state());
      }
      int nics = Links.set(d, true);
      GuestIdentity report = IdentityReports.of(DomainXml.parse(d.xml()));
      if (report != null && !report.linkUp()) {
        IdentityReports.record(d, report.withLinksUp(nics + " NIC(s), brought up by a claim", millis(t0)));
      }
      return inspector.info(d);
    }
  }

  /** A recorded report whose link-up item was applied: the links belong up. */
  private static boolean linkBelongsUp(GuestIdentity report) {
    return report.items().stream().anyMatch(i -> i.name().equals("link-up") && i.status() == Status.APPLIED);
  }

  /**
   * The clean-up after the start: links up when {@code linkUp} says so (a start interrupted
   * between the report and its links), the guest resumed if paused, the state image deleted;
   * then the domain must run.
   */
  private VmInfo finish(DomainRef d, String image, boolean linkUp) {
    if (linkUp) {
      Links.set(d, true);
    }
    resumeIfPaused(d);
    if (image != null && !image.isEmpty()) {
      reaper.deleteImage(d.host(), image);
    }
    VmInfo info = inspector.info(d);
    if (info.state() != VmState.RUNNING) {
      throw new HypervisorException.DriverFailure("clone " + d.name() + " is " + info.state() + " after its start, not RUNNING", null);
    }
    return info;
  }

  private static void resumeIfPaused(DomainRef d) {
    if (d.state() == VmState.PAUSED) {
      try {
        d.domain().resume();
      } catch (LibvirtException e) {
        throw Failures.driver("resume clone " + d.name(), e);
      }
    }
  }

  private void identify(DomainRef d, IdentityIntent intent, long t0, List<Item> items) {
    DomainXml live = DomainXml.parse(d.xml());
    items.add(
        live.text("/domain/genid")
            .filter(g -> !g.isEmpty())
            .map(g -> new Item("generation-id", Status.APPLIED, g, millis(t0)))
            .orElseGet(() -> new Item("generation-id", Status.SKIPPED, "the source has no vmgenid device", millis(t0))));
    IdentityApplier.Applied applied = applier.apply(d, live, intent, t0);
    items.addAll(applied.items());
    IdentityVerdict verdict = IdentityVerdict.of(intent.policy(), items);
    if (verdict.refusal() != null) {
      throw new HypervisorException.IdentityNotApplied(d.name() + ": " + verdict.refusal() + " (policy " + intent.policy().wireName() + ")");
    }
    if (verdict.linkUp() && intent.standby()) {
      items.add(new Item("link-up", Status.SKIPPED, GuestIdentity.STANDBY, millis(t0)));
    } else if (verdict.linkUp()) {
      items.add(new Item("link-up", Status.APPLIED, Links.set(d, true) + " NIC(s)", millis(t0)));
    } else {
      items.add(new Item("link-up", Status.SKIPPED, "held down: the guest still has its source's identity (policy " + intent.policy().wireName() + ")", millis(t0)));
    }
    IdentityReports.record(d, new GuestIdentity(verdict.outcome(), applied.agent(), applied.ip(), applied.hostname(), items));
  }

  private static long millis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
