package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.DiskSize;
import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.GuestStatus;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StorageVol;

/**
 * A domain as a {@link VmInfo}: identity from its XML, state from virDomainGetState, lineage and
 * the guest's identity report (host name and IP as the guest confirmed them) from the driver's
 * metadata. The guest counter is read from the last {@code tick N} line of a
 * file-backed serial console when that file is readable from here (the test guest prints it);
 * otherwise it is unknown.
 */
final class VmInspector {
  private static final Pattern TICK = Pattern.compile("tick (\\d+)");

  VmInfo info(DomainRef d) {
    DomainXml xml = DomainXml.parse(d.xml());
    String uuid = xml.text("/domain/uuid").orElseThrow();
    GuestIdentity report = IdentityReports.of(xml);
    VmIdentity identity =
        new VmIdentity(
            xml.text("/domain/name").orElseThrow(),
            UUID.fromString(uuid),
            xml.firstMac().orElse(null),
            report == null ? null : report.hostname(),
            report == null ? null : report.ip(),
            xml.text("/domain/sysinfo[@type='smbios']/system/entry[@name='serial']").orElse(null),
            xml.text("/domain/genid").filter(s -> !s.isEmpty()).map(UUID::fromString).orElse(null));
    long memoryKiB = xml.text("/domain/currentMemory").or(() -> xml.text("/domain/memory")).map(Long::parseLong).orElse(0L);
    String disk = xml.firstDiskFile().orElse(null);
    IdentityRewriter.Lineage lineage = IdentityRewriter.lineage(xml);
    GuestStatus guest =
        xml.fileCharDevSources().stream()
            .map(e -> e.getAttribute("path"))
            .findFirst()
            .map(VmInspector::guestFromSerial)
            .orElse(GuestStatus.UNKNOWN);
    return new VmInfo(
        new VmId(uuid),
        d.host(),
        identity,
        d.state(),
        memoryKiB * 1024,
        diskBytes(d.domain().getConnect(), xml.firstDiskChain()),
        disk,
        lineage == null ? null : lineage.parent(),
        guest,
        report,
        xml.text("/domain/vcpu").map(String::trim).map(Integer::parseInt).orElse(0),
        diskSizes(d.domain().getConnect(), xml));
  }

  /** Every disk's virtual size, as {@link #diskBytes} reads the first one's. */
  private static List<DiskSize> diskSizes(Connect conn, DomainXml xml) {
    List<DiskSize> sizes = new java.util.ArrayList<>();
    for (DomainXml.Disk disk : xml.disks()) {
      sizes.add(new DiskSize(disk.target(), diskBytes(conn, disk.chain())));
    }
    return sizes;
  }

  /**
   * The first disk's virtual size, read by libvirt's storage driver from the image files (the
   * first file of the chain a storage pool knows; the overlays QEMU made at a freeze are often not
   * in a pool yet, the base always is), or 0 when no pool knows any. Never through the domain
   * (virDomainGetBlockInfo): that is a query job libvirt runs beside a domain's snapshot job, it asks
   * QEMU for its block nodes, and QEMU 7.2 aborts when that query meets a qcow2 node being
   * re-opened as the snapshot resumes the guest (assertion in qcow2_get_specific_info) — the
   * periodic VM listings of clone-api and config-service crashed a source mid-freeze that way.
   */
  private static long diskBytes(Connect conn, List<String> chain) {
    for (String file : chain) {
      StorageVol vol = null;
      try {
        vol = conn.storageVolLookupByPath(file);
        return Pools.capacity(vol);
      } catch (LibvirtException | HypervisorException e) {
        // not in a pool (or gone meanwhile): the next file of the chain
      } finally {
        Pools.free(vol);
      }
    }
    return 0;
  }

  /** The last {@code tick N} of a serial log, or UNKNOWN. */
  static GuestStatus guestFromSerial(String path) {
    Path p = Path.of(path);
    if (!Files.isReadable(p)) {
      return GuestStatus.UNKNOWN;
    }
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, 4096);
      byte[] tail = new byte[n];
      f.seek(len - n);
      f.readFully(tail);
      Matcher m = TICK.matcher(new String(tail, StandardCharsets.ISO_8859_1));
      long last = -1;
      while (m.find()) {
        last = Long.parseLong(m.group(1));
      }
      return last < 0 ? GuestStatus.UNKNOWN : new GuestStatus(last, -1);
    } catch (IOException | NumberFormatException e) {
      return GuestStatus.UNKNOWN;
    }
  }
}
