package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.GuestStatus;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.libvirt.DomainBlockInfo;
import org.libvirt.LibvirtException;

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
        diskBytes(d, disk),
        disk,
        lineage == null ? null : lineage.parent(),
        guest,
        report);
  }

  private static long diskBytes(DomainRef d, String disk) {
    if (disk == null || !d.active()) {
      return 0;
    }
    try {
      DomainBlockInfo info = d.domain().blockInfo(disk);
      return info.getCapacity();
    } catch (LibvirtException e) {
      return 0;
    }
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
