package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Gives the domain XML of a copied save image the clone's identity: name, UUID, MAC of the first
 * NIC (further NICs get MACs derived from the UUID), SMBIOS system serial, VM generation id when
 * the source has one (adding a vmgenid device would change the device set and break the restore;
 * QEMU writes the new id into guest memory when the state is loaded and notifies the guest, whose
 * kernel reseeds its random number generator), the agent channel's socket (left to libvirt),
 * the clone's disks (their backing chains are reprobed from the qcow2 headers), its serial log, and the
 * lineage metadata with the {@link IdentityIntent} the guest is to be given at start; the source's
 * own HotClone metadata (freeze leases, identity report, lineage) is dropped. Everything else (devices, addresses, machine type) stays byte-for-byte
 * equivalent, so QEMU's migration stream still matches the device model.
 */
final class IdentityRewriter {
  static final String NS = "urn:hotclone:clone:1";
  /** The prefix of every metadata namespace HotClone writes on a domain. */
  static final String OWN_NAMESPACES = "urn:hotclone:";

  private IdentityRewriter() {}

  /**
   * Where the clone's own files live: {@code diskFiles} maps each disk's target ({@code vda}, …) to
   * the clone's overlay of that disk.
   */
  record Placement(Map<String, String> diskFiles, String serialLog, String stateImage) {
    Placement {
      diskFiles = Map.copyOf(diskFiles);
    }

    /** A VM with one disk. */
    Placement(String diskFile, String serialLog, String stateImage) {
      this(Map.of(io.hotclone.hypervisor.StorageFreeze.SINGLE_DISK, diskFile), serialLog, stateImage);
    }

    /** The clone's file for disk {@code target}; a single file serves a VM's single disk. */
    String diskFile(String target, int disks) {
      String file = diskFiles.get(target);
      if (file == null && disks == 1 && diskFiles.size() == 1) {
        file = diskFiles.values().iterator().next();
      }
      if (file == null) {
        throw new IllegalArgumentException("no clone disk for " + target + " (have " + diskFiles.keySet() + ")");
      }
      return file;
    }
  }

  /** Lineage recorded in the clone's {@code <metadata>}. */
  record Lineage(VmId parent, UUID cloneId) {}

  static String rewrite(String xml, VmIdentity id, Placement placement, Lineage lineage) {
    return rewrite(xml, id, placement, lineage, io.hotclone.hypervisor.IdentityPolicy.DEFAULT);
  }

  static String rewrite(
      String xml, VmIdentity id, Placement placement, Lineage lineage, io.hotclone.hypervisor.IdentityPolicy policy) {
    return rewrite(xml, id, placement, lineage, policy, false);
  }

  /** As above; {@code standby} is recorded in the intent (the start then leaves the links down). */
  static String rewrite(
      String xml, VmIdentity id, Placement placement, Lineage lineage, io.hotclone.hypervisor.IdentityPolicy policy,
      boolean standby) {
    DomainXml d = DomainXml.parse(xml);
    Element root = d.root();
    // a rewrite is repeated after a crash between the header write and the define: the MAC the
    // guest still has is the one recorded by the first rewrite
    IdentityIntent earlier = intent(d);
    String sourceMac = earlier != null && earlier.sourceMac() != null
        ? earlier.sourceMac()
        : d.firstMac().map(String::toLowerCase).orElse(null);
    root.removeAttribute("id");
    d.child(root, "name").setTextContent(id.name());
    d.child(root, "uuid").setTextContent(id.uuid().toString());

    List<Element> macs = d.all("/domain/devices/interface/mac");
    for (int i = 0; i < macs.size(); i++) {
      macs.get(i).setAttribute("address", i == 0 ? id.mac().toLowerCase() : derivedMac(id.uuid(), i));
    }
    // target device names (vnetN) and aliases belong to the source's host
    for (Element target : d.all("/domain/devices/interface/target")) {
      DomainXml.remove(target);
    }

    if (id.smbiosSerial() != null && !id.smbiosSerial().isBlank()) {
      setSmbiosSerial(d, id.smbiosSerial());
    }
    if (id.generationId() != null) {
      d.first("/domain/genid").ifPresent(g -> g.setTextContent(id.generationId().toString()));
    }

    List<DomainXml.Disk> disks = d.disks();
    if (disks.isEmpty()) {
      throw new IllegalArgumentException("domain without a file disk");
    }
    if (disks.size() != placement.diskFiles().size()) {
      throw new IllegalArgumentException(disks.size() + " disks in the image, " + placement.diskFiles().size() + " clone disks");
    }
    for (DomainXml.Disk disk : disks) {
      Element source = DomainXml.directChild(disk.element(), "source");
      source.setAttribute("file", placement.diskFile(disk.target(), disks.size()));
      removeAttributes(source, "index");
      Element backing = DomainXml.directChild(disk.element(), "backingStore");
      if (backing != null) {
        DomainXml.remove(backing);
      }
    }
    for (Element src : d.fileCharDevSources()) {
      src.setAttribute("path", placement.serialLog());
    }
    // the agent socket's path names the source's domain on the source's host: let libvirt choose
    for (Element channel : d.all("/domain/devices/channel[@type='unix']")) {
      Element src = DomainXml.directChild(channel, "source");
      if (src != null) {
        src.removeAttribute("path");
      }
      Element target = DomainXml.directChild(channel, "target");
      if (target != null) {
        target.removeAttribute("state");
      }
    }

    Element metadata = d.child(root, "metadata");
    removeOperationMetadata(metadata);
    Element clone = d.document().createElementNS(NS, "hc:clone");
    clone.setAttribute("parent", lineage.parent().value());
    clone.setAttribute("cloneId", lineage.cloneId().toString());
    clone.setAttribute("image", placement.stateImage());
    IdentityIntent.of(id, sourceMac, policy, standby).writeTo(clone);
    metadata.appendChild(clone);
    return d.toXml();
  }

  /**
   * Removes every element HotClone keeps on a domain about its own operations (namespaces under
   * {@value #OWN_NAMESPACES}: the source's freeze leases, its identity report, its lineage), so a
   * clone carries none of them: a copied lease would make every watchdog treat the clone as a
   * frozen source (and resume it before its links are down), a copied report would make its start
   * look done. Other applications' metadata stays.
   */
  static void removeOperationMetadata(Element metadata) {
    org.w3c.dom.Node n = metadata.getFirstChild();
    while (n != null) {
      org.w3c.dom.Node next = n.getNextSibling();
      if (n.getNamespaceURI() != null && n.getNamespaceURI().startsWith(OWN_NAMESPACES)) {
        metadata.removeChild(n);
      }
      n = next;
    }
  }

  /** Lineage of a domain, or null for a root VM. */
  static Lineage lineage(DomainXml d) {
    NodeList nodes = d.document().getElementsByTagNameNS(NS, "clone");
    if (nodes.getLength() == 0) {
      return null;
    }
    Element e = (Element) nodes.item(0);
    return new Lineage(new VmId(e.getAttribute("parent")), UUID.fromString(e.getAttribute("cloneId")));
  }

  /** What the clone's guest is to be given at start, or null (not a clone, or defined before intents). */
  static IdentityIntent intent(DomainXml d) {
    NodeList nodes = d.document().getElementsByTagNameNS(NS, "clone");
    return nodes.getLength() == 0 ? null : IdentityIntent.readFrom((Element) nodes.item(0));
  }

  static String stateImage(DomainXml d) {
    NodeList nodes = d.document().getElementsByTagNameNS(NS, "clone");
    return nodes.getLength() == 0 ? null : ((Element) nodes.item(0)).getAttribute("image");
  }

  private static void setSmbiosSerial(DomainXml d, String serial) {
    Element root = d.root();
    Element sysinfo = d.first("/domain/sysinfo[@type='smbios']").orElseGet(() -> {
      Element s = d.document().createElement("sysinfo");
      s.setAttribute("type", "smbios");
      Element os = d.child(root, "os");
      root.insertBefore(s, os);
      return s;
    });
    Element system = d.child(sysinfo, "system");
    Element entry = null;
    for (Element e : d.all("/domain/sysinfo[@type='smbios']/system/entry[@name='serial']")) {
      entry = e;
    }
    if (entry == null) {
      entry = DomainXml.attrs(d.append(system, "entry"), "name", "serial");
    }
    entry.setTextContent(serial);
    Element smbios = d.child(d.child(root, "os"), "smbios");
    smbios.setAttribute("mode", "sysinfo");
  }

  private static void removeAttributes(Element e, String... names) {
    for (String n : names) {
      e.removeAttribute(n);
    }
  }

  static String derivedMac(UUID uuid, int index) {
    long bits = uuid.getLeastSignificantBits() + index;
    return String.format(
        "52:54:00:%02x:%02x:%02x", (bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff);
  }
}
