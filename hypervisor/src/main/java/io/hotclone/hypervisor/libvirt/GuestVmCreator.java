package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.w3c.dom.Element;

/**
 * Creates and starts a transient guest from a test image under {@link LibvirtOptions#guestDir()}
 * (direct kernel boot of {@code vmlinuz} + {@code initrd.gz}, TCG, one vCPU, {@link VmSpec#disks()}
 * fresh qcow2 disks in shared storage (vda, vdb, …), user-mode virtio NIC, serial console to a file on its host, ACPI and a VM
 * generation id). Image {@code busybox}: the files in the guest directory itself. Image {@code
 * agent}: the files in its {@code agent/} subdirectory (a kernel with the vmgenid driver, the QEMU
 * guest agent in the initramfs), plus the agent's virtio-serial channel.
 */
final class GuestVmCreator {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Hosts hosts;
  private final Pools pools;
  private final LibvirtOptions options;
  private final VmInspector inspector;

  GuestVmCreator(Hosts hosts, Pools pools, LibvirtOptions options, VmInspector inspector) {
    this.hosts = hosts;
    this.pools = pools;
    this.options = options;
    this.inspector = inspector;
  }

  VmInfo create(VmSpec spec) {
    Path guest = imageDir(options.guestDir(), spec.image());
    if (guest == null || !Files.isReadable(guest.resolve("vmlinuz")) || !Files.isReadable(guest.resolve("initrd.gz"))) {
      throw new HypervisorException.Unsupported(
          "createVm of image '" + spec.image() + "' needs vmlinuz and initrd.gz in " + (guest == null ? "LibvirtOptions.guestDir" : guest));
    }
    Connect conn = hosts.connect(spec.host());
    StoragePool pool = pools.shared(spec.host());
    List<String> disks = new ArrayList<>();
    try {
      Pools.refresh(pool);
      for (int i = 0; i < spec.disks(); i++) {
        disks.add(rootDisk(pool, spec, i));
      }
      String xml = domainXml(spec, disks, options.hostDir(spec.host()).resolve(Names.serialLog(spec.name())).toString(), guest);
      Domain d = conn.domainCreateXML(xml, 0);
      try (DomainRef ref = new DomainRef(spec.host(), d)) {
        return inspector.info(ref);
      }
    } catch (LibvirtException e) {
      throw Failures.driver("create VM " + spec.name() + " on " + spec.host(), e);
    } finally {
      Pools.free(pool);
    }
  }

  /** Disk {@code index} of a new VM (target vda, vdb, …): a fresh qcow2 volume in shared storage. */
  private static String rootDisk(StoragePool pool, VmSpec spec, int index) throws LibvirtException {
    String diskName = Names.rootDisk(spec.name(), index, target(index));
    StorageVol disk = Pools.volume(pool, diskName).orElse(null);
    try {
      if (disk == null) {
        DomainXml v = DomainXml.create("volume");
        v.append(v.root(), "name", diskName);
        DomainXml.attrs(v.append(v.root(), "capacity", Long.toString(Math.max(spec.diskBytes(), 1 << 20))), "unit", "bytes");
        DomainXml.attrs(v.append(v.append(v.root(), "target"), "format"), "type", "qcow2");
        disk = pool.storageVolCreateXML(v.toXml(), 0);
      }
      return Pools.path(disk);
    } finally {
      Pools.free(disk);
    }
  }

  static String target(int index) {
    return "vd" + (char) ('a' + index);
  }

  /** Where the files of {@code image} are, or null for an image this driver does not know. */
  static Path imageDir(Path guestDir, String image) {
    if (guestDir == null) {
      return null;
    }
    return switch (image) {
      case VmSpec.DEFAULT_IMAGE -> guestDir;
      case VmSpec.AGENT_IMAGE -> guestDir.resolve("agent");
      default -> null;
    };
  }

  static String domainXml(VmSpec spec, List<String> disks, String serialLog, Path guest) {
    DomainXml x = DomainXml.create("domain");
    Element root = DomainXml.attrs(x.root(), "type", "qemu");
    x.append(root, "name", spec.name());
    x.append(root, "uuid", UUID.randomUUID().toString());
    DomainXml.attrs(x.append(root, "memory", Long.toString(spec.memoryBytes() / 1024)), "unit", "KiB");
    x.append(root, "vcpu", "1");
    x.append(root, "genid", UUID.randomUUID().toString());
    Element os = x.append(root, "os");
    DomainXml.attrs(x.append(os, "type", "hvm"), "arch", "x86_64", "machine", "pc");
    x.append(os, "kernel", guest.resolve("vmlinuz").toString());
    x.append(os, "initrd", guest.resolve("initrd.gz").toString());
    x.append(os, "cmdline", "console=ttyS0 quiet hc.hostname=" + spec.name());
    x.append(x.append(root, "features"), "acpi");
    x.append(root, "on_reboot", "destroy");
    Element devices = x.append(root, "devices");
    for (int i = 0; i < disks.size(); i++) {
      Element d = DomainXml.attrs(x.append(devices, "disk"), "type", "file", "device", "disk");
      DomainXml.attrs(x.append(d, "driver"), "name", "qemu", "type", "qcow2");
      DomainXml.attrs(x.append(d, "source"), "file", disks.get(i));
      DomainXml.attrs(x.append(d, "target"), "dev", target(i), "bus", "virtio");
    }
    Element nic = DomainXml.attrs(x.append(devices, "interface"), "type", "user");
    DomainXml.attrs(x.append(nic, "mac"), "address", randomMac());
    DomainXml.attrs(x.append(nic, "model"), "type", "virtio");
    if (VmSpec.AGENT_IMAGE.equals(spec.image())) {
      Element channel = DomainXml.attrs(x.append(devices, "channel"), "type", "unix");
      DomainXml.attrs(x.append(channel, "target"), "type", "virtio", "name", GuestAgent.CHANNEL);
    }
    Element serial = DomainXml.attrs(x.append(devices, "serial"), "type", "file");
    DomainXml.attrs(x.append(serial, "source"), "path", serialLog);
    DomainXml.attrs(x.append(serial, "target"), "port", "0");
    Element console = DomainXml.attrs(x.append(devices, "console"), "type", "file");
    DomainXml.attrs(x.append(console, "source"), "path", serialLog);
    DomainXml.attrs(x.append(console, "target"), "type", "serial", "port", "0");
    DomainXml.attrs(x.append(x.append(devices, "video"), "model"), "type", "none");
    DomainXml.attrs(x.append(devices, "memballoon"), "model", "none");
    return x.toXml();
  }

  static String randomMac() {
    byte[] b = new byte[3];
    RANDOM.nextBytes(b);
    return String.format("52:54:00:%02x:%02x:%02x", b[0] & 0xff, b[1] & 0xff, b[2] & 0xff);
  }
}
