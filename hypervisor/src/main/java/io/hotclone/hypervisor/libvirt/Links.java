package io.hotclone.hypervisor.libvirt;

import java.util.List;
import org.libvirt.LibvirtException;
import org.w3c.dom.Element;

/**
 * The link state of a running domain's NICs (what {@code virsh domif-setlink} does): each
 * {@code <interface>} of the live XML is updated with {@code <link state='up|down'/>} through
 * virDomainUpdateDeviceFlags. With the link down the guest's NIC reports no carrier and no frame
 * leaves or reaches it.
 */
final class Links {
  private Links() {}

  /** Sets every NIC's link; returns how many NICs there were. */
  static int set(DomainRef d, boolean up) {
    DomainXml live = DomainXml.parse(d.xml());
    List<Element> nics = live.all("/domain/devices/interface");
    for (Element nic : nics) {
      Element link = DomainXml.directChild(nic, "link");
      if (link == null) {
        link = live.document().createElement("link");
        nic.appendChild(link);
      }
      link.setAttribute("state", up ? "up" : "down");
      try {
        d.domain().updateDeviceFlags(DomainXml.serialize(nic), LibvirtNative.VIR_DOMAIN_AFFECT_LIVE);
      } catch (LibvirtException e) {
        throw Failures.driver("set the link of " + d.name() + " " + (up ? "up" : "down"), e);
      }
    }
    return nics.size();
  }

  /** Whether every NIC of the running domain has its link up (a domain without NICs: true). */
  static boolean allUp(DomainXml live) {
    for (Element nic : live.all("/domain/devices/interface")) {
      Element link = DomainXml.directChild(nic, "link");
      if (link != null && "down".equals(link.getAttribute("state"))) {
        return false;
      }
    }
    return true;
  }
}
