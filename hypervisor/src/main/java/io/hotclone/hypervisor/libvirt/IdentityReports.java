package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.GuestIdentity;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A started clone's {@link GuestIdentity}, kept in its domain metadata (namespace {@value #NS}) so
 * every process reads the same report, and a repeated start returns it instead of applying twice.
 */
final class IdentityReports {
  static final String NS = "urn:hotclone:identity:1";
  static final String PREFIX = "hci";

  private IdentityReports() {}

  static String toMetadata(GuestIdentity report) {
    DomainXml x = DomainXml.create("identity");
    Element root = x.root();
    DomainXml.attrs(root, "outcome", report.outcome().name(), "agent", Boolean.toString(report.agent()));
    if (report.ip() != null) {
      root.setAttribute("ip", report.ip());
    }
    if (report.hostname() != null) {
      root.setAttribute("hostname", report.hostname());
    }
    for (GuestIdentity.Item i : report.items()) {
      Element e = DomainXml.attrs(x.append(root, "item"), "name", i.name(), "status", i.status().name(), "at", Long.toString(i.atMillis()));
      if (i.detail() != null) {
        e.setAttribute("detail", i.detail());
      }
    }
    return x.toXml();
  }

  /** The report recorded on a domain, or null when none is. */
  static GuestIdentity of(DomainXml domain) {
    NodeList nodes = domain.document().getElementsByTagNameNS(NS, "identity");
    if (nodes.getLength() == 0) {
      return null;
    }
    Element root = (Element) nodes.item(0);
    List<GuestIdentity.Item> items = new ArrayList<>();
    NodeList itemNodes = root.getElementsByTagNameNS(NS, "item");
    for (int i = 0; i < itemNodes.getLength(); i++) {
      Element e = (Element) itemNodes.item(i);
      items.add(
          new GuestIdentity.Item(
              e.getAttribute("name"),
              GuestIdentity.Status.valueOf(e.getAttribute("status")),
              e.hasAttribute("detail") ? e.getAttribute("detail") : null,
              Long.parseLong(e.getAttribute("at"))));
    }
    return new GuestIdentity(
        GuestIdentity.Outcome.valueOf(root.getAttribute("outcome")),
        Boolean.parseBoolean(root.getAttribute("agent")),
        root.hasAttribute("ip") ? root.getAttribute("ip") : null,
        root.hasAttribute("hostname") ? root.getAttribute("hostname") : null,
        items);
  }

  /** Records the report on the running, persistent clone (live and config). */
  static void record(DomainRef d, GuestIdentity report) {
    int flags = LibvirtNative.VIR_DOMAIN_AFFECT_LIVE | LibvirtNative.VIR_DOMAIN_AFFECT_CONFIG;
    if (LibvirtNative.get()
            .virDomainSetMetadata(
                NativeHandles.of(d.domain()), LibvirtNative.VIR_DOMAIN_METADATA_ELEMENT, toMetadata(report), PREFIX, NS, flags)
        < 0) {
      throw Failures.nativeCall("record the identity report on " + d.id());
    }
  }
}
