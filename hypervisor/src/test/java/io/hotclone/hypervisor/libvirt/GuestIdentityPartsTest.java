package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.GuestIdentity;
import io.hotclone.hypervisor.GuestIdentity.Item;
import io.hotclone.hypervisor.GuestIdentity.Status;
import io.hotclone.hypervisor.IdentityPolicy;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmIdentity;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The pure parts of giving a clone's guest its identity: verdict, intent, report. */
class GuestIdentityPartsTest {

  private static List<Item> items(Status hostname, Status mac, Item ip) {
    return List.of(
        new Item("link-down", Status.APPLIED, "1 NIC(s)", 1),
        new Item("hostname", hostname, "h", 2),
        new Item("machine-id", Status.APPLIED, "m", 3),
        new Item("mac", mac, "52:54:00:00:00:01", 4),
        ip,
        new Item("entropy", Status.SKIPPED, "no guest-file-write", 6));
  }

  private static final Item IP_OK = new Item("ip", Status.APPLIED, "10.0.0.2/24", 5);

  @Test
  void givenEveryRequiredItemApplied_thenTheLinkComesUpUnderEveryPolicy() {
    for (IdentityPolicy p : IdentityPolicy.values()) {
      IdentityVerdict v = IdentityVerdict.of(p, items(Status.APPLIED, Status.APPLIED, IP_OK));
      assertThat(v).isEqualTo(new IdentityVerdict(GuestIdentity.Outcome.APPLIED, true, null));
    }
  }

  @Test
  void givenNoAddressToApply_thenTheIpItemIsNotMissing() {
    Item noAddress = new Item("ip", Status.SKIPPED, IdentityApplier.NO_ADDRESS, 5);
    assertThat(IdentityVerdict.of(IdentityPolicy.ISOLATE, items(Status.APPLIED, Status.APPLIED, noAddress)).outcome())
        .isEqualTo(GuestIdentity.Outcome.APPLIED);
    Item skipped = new Item("ip", Status.SKIPPED, "no guest agent", 5);
    assertThat(IdentityVerdict.of(IdentityPolicy.ISOLATE, items(Status.APPLIED, Status.APPLIED, skipped)).outcome())
        .isEqualTo(GuestIdentity.Outcome.ISOLATED);
  }

  @Test
  void givenAFailedItem_thenThePolicyDecides() {
    List<Item> failed = items(Status.APPLIED, Status.FAILED, IP_OK);
    IdentityVerdict require = IdentityVerdict.of(IdentityPolicy.REQUIRE_AGENT, failed);
    assertThat(require.refusal()).contains("mac failed");
    assertThat(require.linkUp()).isFalse();
    assertThat(IdentityVerdict.of(IdentityPolicy.ISOLATE, failed)).isEqualTo(new IdentityVerdict(GuestIdentity.Outcome.ISOLATED, false, null));
    assertThat(IdentityVerdict.of(IdentityPolicy.ALLOW, failed)).isEqualTo(new IdentityVerdict(GuestIdentity.Outcome.UNAPPLIED, true, null));
  }

  @Test
  void givenNoIdentityStepAtAll_thenNothingCountsAsApplied() {
    assertThat(IdentityVerdict.of(IdentityPolicy.ISOLATE, List.of(new Item("link-down", Status.APPLIED, null, 0))).outcome())
        .isEqualTo(GuestIdentity.Outcome.ISOLATED);
  }

  @Test
  void givenAReport_whenRecordedAsMetadata_thenItReadsBackEqual() {
    GuestIdentity report =
        new GuestIdentity(GuestIdentity.Outcome.ISOLATED, false, null, "h1", items(Status.SKIPPED, Status.FAILED, IP_OK));
    String metadata = IdentityReports.toMetadata(report);
    String domain =
        "<domain><name>x</name><metadata>"
            + metadata.replaceFirst("<identity", "<hci:identity xmlns:hci='" + IdentityReports.NS + "'")
                .replace("<item", "<hci:item").replace("</identity>", "</hci:identity>")
            + "</metadata></domain>";
    assertThat(IdentityReports.of(DomainXml.parse(domain))).isEqualTo(report);
    assertThat(IdentityReports.of(DomainXml.parse("<domain><metadata/></domain>"))).isNull();
  }

  @Test
  void givenAnIdentity_whenTheSaveImageXmlIsRewritten_thenTheIntentTravelsWithTheCloneAndTheAgentSocketIsLibvirts() {
    String source =
        "<domain type='qemu'><name>src</name><uuid>11111111-2222-3333-4444-555555555555</uuid><genid>00000000-0000-0000-0000-000000000001</genid>"
            + "<os><type>hvm</type></os><devices>"
            + "<disk type='file' device='disk'><source file='/s/a.qcow2'/><target dev='vda'/></disk>"
            + "<interface type='user'><mac address='52:54:00:AA:00:01'/></interface>"
            + "<channel type='unix'><source mode='bind' path='/var/lib/libvirt/qemu/channel/target/domain-3-src/org.qemu.guest_agent.0'/>"
            + "<target type='virtio' name='org.qemu.guest_agent.0' state='connected'/></channel>"
            + "</devices></domain>";
    UUID uuid = UUID.fromString("aaaaaaaa-bbbb-cccc-dddd-000000000002");
    UUID genid = UUID.randomUUID();
    VmIdentity id = new VmIdentity("c1", uuid, "52:54:00:CC:00:02", "c1", "10.1.2.3", "S", genid, 24, "10.1.2.1");
    String out =
        IdentityRewriter.rewrite(
            source,
            id,
            new IdentityRewriter.Placement("/s/c.qcow2", "/b/c1.log", "/b/c.img"),
            new IdentityRewriter.Lineage(new VmId("11111111-2222-3333-4444-555555555555"), UUID.randomUUID()),
            IdentityPolicy.REQUIRE_AGENT);
    DomainXml x = DomainXml.parse(out);
    assertThat(IdentityRewriter.intent(x))
        .isEqualTo(new IdentityIntent("c1", uuid.toString().replace("-", ""), "52:54:00:cc:00:02", "52:54:00:aa:00:01", "10.1.2.3/24", "10.1.2.1", IdentityPolicy.REQUIRE_AGENT));
    assertThat(x.text("/domain/genid")).contains(genid.toString());
    assertThat(x.attr("/domain/devices/channel/source", "path")).as("the source's socket path is dropped").isEmpty();
    assertThat(x.attr("/domain/devices/channel/source", "mode")).contains("bind");
    assertThat(x.attr("/domain/devices/channel/target", "state")).isEmpty();
    assertThat(GuestAgent.hasChannel(x)).isTrue();
  }

  @Test
  void aStandbyIntentSurvivesTheDomainXmlAndAReportHeldDownSaysStandbyUntilItsLinksAreUp() {
    VmIdentity id = new VmIdentity("p1", UUID.randomUUID(), "52:54:00:00:00:0a", "p1", "10.0.0.10", null, null);
    DomainXml holder = DomainXml.create("clone");
    IdentityIntent.of(id, "52:54:00:00:00:01", IdentityPolicy.ISOLATE, true).writeTo(holder.root());
    assertThat(IdentityIntent.readFrom(holder.root()).standby()).isTrue();
    DomainXml plain = DomainXml.create("clone");
    IdentityIntent.of(id, "52:54:00:00:00:01", IdentityPolicy.ISOLATE).writeTo(plain.root());
    assertThat(IdentityIntent.readFrom(plain.root()).standby()).isFalse();

    var held = io.hotclone.hypervisor.GuestIdentity.byConstruction(id).heldDownForStandby();
    var parsed = IdentityReports.of(DomainXml.parse("<domain><metadata>" + IdentityReports.toMetadata(held).replaceFirst("<identity", "<hci:identity xmlns:hci='" + IdentityReports.NS + "'").replaceFirst("</identity>", "</hci:identity>").replaceAll("<item", "<hci:item") + "</metadata></domain>"));
    assertThat(parsed.standby()).isTrue();
    assertThat(parsed.withLinksUp("1 NIC(s)", 3).linkUp()).isTrue();
    assertThat(parsed.withLinksUp("1 NIC(s)", 3).standby()).isFalse();
  }

  @Test
  void givenAnIdentityWithoutAnAddress_thenTheIntentHasNone() {
    VmIdentity labelOnly = new VmIdentity("c", UUID.randomUUID(), "52:54:00:00:00:09", "c", "unknown:vm", null, null);
    assertThat(IdentityIntent.of(labelOnly, null, IdentityPolicy.ISOLATE).address()).isNull();
    VmIdentity noPrefix = new VmIdentity("c", UUID.randomUUID(), "52:54:00:00:00:09", "c", "10.0.0.9", null, null);
    assertThat(IdentityIntent.of(noPrefix, null, IdentityPolicy.ISOLATE).address()).isEqualTo("10.0.0.9/32");
  }

  @Test
  void policiesParseByTheirWireNames() {
    assertThat(IdentityPolicy.parse("require-agent")).contains(IdentityPolicy.REQUIRE_AGENT);
    assertThat(IdentityPolicy.parse(" Isolate ")).contains(IdentityPolicy.ISOLATE);
    assertThat(IdentityPolicy.parse("allow")).contains(IdentityPolicy.ALLOW);
    assertThat(IdentityPolicy.parse("REQUIRE_AGENT")).isEmpty();
    assertThat(IdentityPolicy.parse(null)).isEmpty();
  }
}
