package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The clone's identity written into the domain XML of a save image. */
class IdentityRewriterTest {
  private static final String SOURCE =
      "<domain type='qemu' id='7'>"
          + "<name>src</name><uuid>11111111-2222-3333-4444-555555555555</uuid>"
          + "<metadata><other xmlns='urn:other'/></metadata>"
          + "<memory unit='KiB'>131072</memory>"
          + "<os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><kernel>/k</kernel></os>"
          + "<devices>"
          + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
          + "<source file='/shared/src.storage.qcow2' index='2'/>"
          + "<backingStore type='file' index='1'><format type='qcow2'/><source file='/shared/src.root.qcow2'/><backingStore/></backingStore>"
          + "<target dev='vda' bus='virtio'/><alias name='virtio-disk0'/></disk>"
          + "<interface type='user'><mac address='52:54:00:aa:bb:01'/><model type='virtio'/><alias name='net0'/></interface>"
          + "<interface type='user'><mac address='52:54:00:aa:bb:02'/><model type='virtio'/></interface>"
          + "<serial type='file'><source path='/host-a/src.serial.log'/><target port='0'/></serial>"
          + "<console type='file'><source path='/host-a/src.serial.log'/><target type='serial' port='0'/></console>"
          + "</devices></domain>";

  @Test
  void givenASourceXml_whenRewritten_thenTheCloneHasItsOwnIdentityFilesAndLineage() {
    UUID uuid = UUID.fromString("aaaaaaaa-bbbb-cccc-dddd-000000000002");
    UUID cloneId = UUID.randomUUID();
    VmIdentity id = new VmIdentity("clone-1", uuid, "52:54:00:CC:00:02", "h", "10.0.0.2", "SER-1", null);

    String out =
        IdentityRewriter.rewrite(
            SOURCE,
            id,
            new IdentityRewriter.Placement("/shared/c.clone.qcow2", "/host-b/clone-1.serial.log", "/host-b/c.state.img"),
            new IdentityRewriter.Lineage(new VmId("11111111-2222-3333-4444-555555555555"), cloneId));

    DomainXml x = DomainXml.parse(out);
    assertThat(x.root().hasAttribute("id")).isFalse();
    assertThat(x.text("/domain/name")).contains("clone-1");
    assertThat(x.text("/domain/uuid")).contains(uuid.toString());
    assertThat(x.macs()).containsExactly("52:54:00:cc:00:02", IdentityRewriter.derivedMac(uuid, 1));
    assertThat(x.macs()).doesNotContain("52:54:00:aa:bb:01", "52:54:00:aa:bb:02");
    assertThat(x.text("/domain/sysinfo[@type='smbios']/system/entry[@name='serial']")).contains("SER-1");
    assertThat(x.attr("/domain/os/smbios", "mode")).contains("sysinfo");
    assertThat(x.firstDiskChain()).as("chain reprobed from the overlay").containsExactly("/shared/c.clone.qcow2");
    assertThat(x.fileCharDevSources()).extracting(e -> e.getAttribute("path")).containsOnly("/host-b/clone-1.serial.log");
    assertThat(IdentityRewriter.lineage(x)).isEqualTo(new IdentityRewriter.Lineage(new VmId("11111111-2222-3333-4444-555555555555"), cloneId));
    assertThat(IdentityRewriter.stateImage(x)).isEqualTo("/host-b/c.state.img");
    assertThat(x.all("/domain/metadata/*")).hasSize(2); // foreign metadata kept
    assertThat(x.text("/domain/os/type")).contains("hvm");
    assertThat(x.attr("/domain/os/type", "machine")).as("machine type untouched").contains("pc-i440fx-7.2");
  }

  @Test
  void givenASourceWithItsOwnLeasesReportAndLineage_whenRewritten_thenTheCloneCarriesNoneOfThem() {
    // the source is itself a started clone, frozen for this clone: its live XML (saved into the
    // state image) holds its freeze leases, its identity report and its own lineage
    String source =
        SOURCE.replace(
            "<metadata><other xmlns='urn:other'/></metadata>",
            "<metadata><other xmlns='urn:other'/>"
                + "<hcf:freezes xmlns:hcf='" + FreezeBook.NS + "'><hcf:freeze vm='11111111-2222-3333-4444-555555555555' clone='"
                + UUID.randomUUID() + "' storage='true' memory='true' state='HELD' until='2026-01-01T00:00:00Z'/></hcf:freezes>"
                + "<hci:identity xmlns:hci='" + IdentityReports.NS + "' outcome='APPLIED' agent='true'/>"
                + "<hc:clone xmlns:hc='" + IdentityRewriter.NS + "' parent='p0' cloneId='" + UUID.randomUUID() + "' image='/x.img'/>"
                + "</metadata>");
    assertThat(FreezeBook.of(DomainXml.parse(source)).isEmpty()).as("the source's lease is read on the source").isFalse();
    UUID cloneId = UUID.randomUUID();
    String out =
        IdentityRewriter.rewrite(
            source,
            new VmIdentity("c", UUID.randomUUID(), "52:54:00:00:00:09", null, null, null, null),
            new IdentityRewriter.Placement("/s/c.qcow2", "/b/c.log", "/b/c.img"),
            new IdentityRewriter.Lineage(new VmId("11111111-2222-3333-4444-555555555555"), cloneId));

    DomainXml x = DomainXml.parse(out);
    assertThat(FreezeBook.of(x).isEmpty()).as("no freeze lease of the source").isTrue();
    assertThat(out).doesNotContain(FreezeBook.NS).doesNotContain(IdentityReports.NS);
    assertThat(IdentityReports.of(x)).as("no identity report: the clone's start is still to come").isNull();
    assertThat(IdentityRewriter.lineage(x).cloneId()).as("only the clone's own lineage").isEqualTo(cloneId);
    assertThat(x.all("/domain/metadata/*")).as("the clone's lineage and the foreign element").hasSize(2);
  }

  @Test
  void givenALeaseCopiedFromAnotherDomain_whenTheBookIsRead_thenOnlyThisDomainsLeasesCount() {
    UUID mine = UUID.randomUUID();
    UUID copied = UUID.randomUUID();
    String domain =
        "<domain><name>c</name><uuid>aaaaaaaa-0000-0000-0000-000000000001</uuid><metadata>"
            + "<hcf:freezes xmlns:hcf='" + FreezeBook.NS + "'>"
            + "<hcf:freeze vm='11111111-2222-3333-4444-555555555555' clone='" + copied + "' storage='true' memory='true' state='HELD' until='2026-01-01T00:00:00Z'/>"
            + "<hcf:freeze vm='AAAAAAAA-0000-0000-0000-000000000001' clone='" + mine + "' storage='true' memory='false' state='HELD' until='2026-01-01T00:00:00Z'/>"
            + "</hcf:freezes></metadata></domain>";
    FreezeBook book = FreezeBook.of(DomainXml.parse(domain));
    assertThat(book.find(copied)).as("another domain's lease").isEmpty();
    assertThat(book.find(mine)).as("this domain's own lease").isPresent();
    assertThat(book.due(java.time.Instant.parse("2026-06-01T00:00:00Z"))).extracting(FreezeBook.Entry::cloneId).containsExactly(mine);
    assertThat(book.toMetadata("aaaaaaaa-0000-0000-0000-000000000001")).contains("vm=\"aaaaaaaa-0000-0000-0000-000000000001\"");
  }

  @Test
  void givenAnAlreadyRewrittenXml_whenRewrittenAgain_thenTheResultIsTheSame() {
    VmIdentity id = new VmIdentity("c", UUID.randomUUID(), "52:54:00:00:00:09", null, null, null, null);
    IdentityRewriter.Placement p = new IdentityRewriter.Placement("/s/c.qcow2", "/b/c.log", "/b/c.img");
    IdentityRewriter.Lineage l = new IdentityRewriter.Lineage(new VmId("p"), UUID.randomUUID());
    String once = IdentityRewriter.rewrite(SOURCE, id, p, l);
    assertThat(IdentityRewriter.rewrite(once, id, p, l)).isEqualTo(once);
    assertThat(DomainXml.parse(once).first("/domain/sysinfo")).as("no serial asked, no sysinfo added").isEmpty();
  }

  @Test
  void givenALiveXml_whenTheChainIsRead_thenActiveFileComesFirst() {
    assertThat(DomainXml.parse(SOURCE).firstDiskChain()).containsExactly("/shared/src.storage.qcow2", "/shared/src.root.qcow2");
  }

  private static final String TWO_DISKS =
      SOURCE.replace(
          "<interface type='user'><mac address='52:54:00:aa:bb:01'/>",
          "<disk type='file' device='cdrom'><source file='/iso/x.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>"
              + "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
              + "<source file='/shared/src.vdb.storage.qcow2' index='4'/>"
              + "<backingStore type='file' index='3'><format type='qcow2'/><source file='/shared/src.vdb.root.qcow2'/><backingStore/></backingStore>"
              + "<target dev='vdb' bus='virtio'/></disk>"
              + "<interface type='user'><mac address='52:54:00:aa:bb:01'/>");

  @Test
  void givenTwoDisks_whenRewritten_thenEachDiskIsItsOwnCloneOverlayByTarget() {
    assertThat(DomainXml.parse(TWO_DISKS).disks()).extracting(DomainXml.Disk::target).as("file disks only, device order").containsExactly("vda", "vdb");
    assertThat(DomainXml.parse(TWO_DISKS).chainOf("vdb")).containsExactly("/shared/src.vdb.storage.qcow2", "/shared/src.vdb.root.qcow2");
    VmIdentity id = new VmIdentity("c", UUID.randomUUID(), "52:54:00:00:00:09", null, null, null, null);
    IdentityRewriter.Lineage l = new IdentityRewriter.Lineage(new VmId("p"), UUID.randomUUID());
    // given in the other order: matched by target, not by position
    java.util.Map<String, String> files = new java.util.LinkedHashMap<>();
    files.put("vdb", "/s/c.vdb.clone.qcow2");
    files.put("vda", "/s/c.clone.qcow2");
    DomainXml x = DomainXml.parse(IdentityRewriter.rewrite(TWO_DISKS, id, new IdentityRewriter.Placement(files, "/b/c.log", "/b/c.img"), l));
    assertThat(x.chainOf("vda")).containsExactly("/s/c.clone.qcow2");
    assertThat(x.chainOf("vdb")).containsExactly("/s/c.vdb.clone.qcow2");
    assertThat(x.attr("/domain/devices/disk[@device='cdrom']/source", "file")).as("a cdrom is not a clone disk").contains("/iso/x.iso");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> IdentityRewriter.rewrite(TWO_DISKS, id, new IdentityRewriter.Placement("/s/c.qcow2", "/b/c.log", "/b/c.img"), l))
        .as("one clone disk for a two-disk image").isInstanceOf(IllegalArgumentException.class);
  }
}
