package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.GuestIdentity.Item;
import io.hotclone.hypervisor.GuestIdentity.Status;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import java.util.ArrayList;
import java.util.List;
import org.libvirt.LibvirtException;

/**
 * Starts a configured clone: restores its rewritten image on its host paused, sets every NIC's
 * link down, resumes the guest (it continues from the copied RAM, vCPU and device state), gives
 * the guest its identity ({@link IdentityApplier}), and brings the link up only when that is done
 * or the clone's {@link io.hotclone.hypervisor.IdentityPolicy} allows it. The outcome is recorded
 * on the domain ({@link IdentityReports}); under {@code require-agent} a guest that could not be
 * re-identified fails the start (the caller destroys it). The image is deleted once the clone
 * runs. Starting a clone whose identity is recorded does nothing; one that runs without a record
 * (the starting process died half-way) gets its identity applied again.
 */
final class CloneStarter {
  private final Hosts hosts;
  private final FileReaper reaper;
  private final VmInspector inspector;
  private final IdentityApplier applier;

  CloneStarter(Hosts hosts, FileReaper reaper, VmInspector inspector, IdentityApplier applier) {
    this.hosts = hosts;
    this.reaper = reaper;
    this.inspector = inspector;
    this.applier = applier;
  }

  VmInfo start(OperationId op, VmId clone) {
    long t0 = System.nanoTime();
    try (DomainRef d = hosts.require(clone)) {
      DomainXml xml = DomainXml.parse(d.xml());
      IdentityIntent intent = IdentityRewriter.intent(xml);
      if (d.active()) {
        if (intent == null || IdentityReports.of(xml) != null) {
          return inspector.info(d);
        }
        List<Item> pre = new ArrayList<>();
        pre.add(new Item("link-down", Status.APPLIED, Links.set(d, false) + " NIC(s), again after an interrupted start", millis(t0)));
        return identify(d, intent, t0, pre);
      }
      String image = IdentityRewriter.stateImage(xml);
      if (image == null || image.isEmpty()) {
        throw new HypervisorException.NotFrozen(op, "clone " + clone + " has no state image to start from");
      }
      int flags = intent == null ? LibvirtNative.VIR_DOMAIN_SAVE_RUNNING : LibvirtNative.VIR_DOMAIN_SAVE_PAUSED;
      if (LibvirtNative.get().virDomainRestoreFlags(NativeHandles.of(hosts.connect(d.host())), image, null, flags) < 0) {
        throw Failures.nativeCall("restore " + clone + " from " + image);
      }
      if (intent == null) {
        reaper.deleteImage(d.host(), image);
        return inspector.info(d);
      }
      List<Item> pre = new ArrayList<>();
      pre.add(new Item("link-down", Status.APPLIED, Links.set(d, false) + " NIC(s), before the guest ran", millis(t0)));
      try {
        d.domain().resume();
      } catch (LibvirtException e) {
        throw Failures.driver("resume clone " + clone, e);
      }
      reaper.deleteImage(d.host(), image);
      return identify(d, intent, t0, pre);
    }
  }

  private VmInfo identify(DomainRef d, IdentityIntent intent, long t0, List<Item> items) {
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
    if (verdict.linkUp()) {
      items.add(new Item("link-up", Status.APPLIED, Links.set(d, true) + " NIC(s)", millis(t0)));
    } else {
      items.add(new Item("link-up", Status.SKIPPED, "held down: the guest still has its source's identity (policy " + intent.policy().wireName() + ")", millis(t0)));
    }
    IdentityReports.record(d, new GuestIdentity(verdict.outcome(), applied.agent(), applied.ip(), applied.hostname(), items));
    return inspector.info(d);
  }

  private static long millis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
