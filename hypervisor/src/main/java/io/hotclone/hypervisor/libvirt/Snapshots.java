package io.hotclone.hypervisor.libvirt;

import java.util.Map;
import org.libvirt.DomainSnapshot;
import org.libvirt.LibvirtException;
import org.w3c.dom.Element;

/** External snapshots without libvirt metadata (the driver tracks files by name itself). */
final class Snapshots {
  static final int NO_METADATA = 4;
  static final int DISK_ONLY = 16;
  static final int ATOMIC = 128;
  static final int LIVE = 256;

  private Snapshots() {}

  /**
   * Snapshot XML switching every disk of {@code overlays} (target to new external overlay, all in
   * one snapshot) to its overlay; with a memory image when {@code memoryFile} is not null.
   */
  static String xml(String name, Map<String, String> overlays, String memoryFile) {
    DomainXml x = DomainXml.create("domainsnapshot");
    Element root = x.root();
    x.append(root, "name", name);
    if (memoryFile != null) {
      DomainXml.attrs(x.append(root, "memory"), "snapshot", "external", "file", memoryFile);
    }
    Element disks = x.append(root, "disks");
    overlays.forEach((target, overlay) -> {
      Element disk = DomainXml.attrs(x.append(disks, "disk"), "name", target, "snapshot", "external");
      DomainXml.attrs(x.append(disk, "driver"), "type", "qcow2");
      DomainXml.attrs(x.append(disk, "source"), "file", overlay);
    });
    return x.toXml();
  }

  /** Snapshot XML saving only memory, to {@code memoryFile}: every disk in {@code targets} left as it is. */
  static String memoryOnlyXml(String name, java.util.Collection<String> targets, String memoryFile) {
    DomainXml x = DomainXml.create("domainsnapshot");
    Element root = x.root();
    x.append(root, "name", name);
    DomainXml.attrs(x.append(root, "memory"), "snapshot", "external", "file", memoryFile);
    Element disks = x.append(root, "disks");
    targets.forEach(target -> DomainXml.attrs(x.append(disks, "disk"), "name", target, "snapshot", "no"));
    return x.toXml();
  }

  static void create(DomainRef d, String xml, int flags, String what) {
    DomainSnapshot snap = null;
    try {
      snap = d.domain().snapshotCreateXML(xml, flags);
    } catch (LibvirtException e) {
      throw Failures.driver(what + " of " + d.name() + " on " + d.host(), e);
    } finally {
      if (snap != null) {
        try {
          snap.free();
        } catch (LibvirtException ignored) {
          // nothing to release
        }
      }
    }
  }
}
