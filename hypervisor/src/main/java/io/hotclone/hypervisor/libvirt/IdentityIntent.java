package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.IdentityPolicy;
import io.hotclone.hypervisor.VmIdentity;
import org.w3c.dom.Element;

/**
 * The identity a clone's guest is to be given when it starts, and what to do if it cannot be: kept
 * as attributes of the clone's lineage metadata (written when the clone is defined), so whichever
 * process starts the clone knows it.
 *
 * @param sourceMac the MAC the guest's NIC still has (its source's), to find that NIC in the guest
 * @param address the IP in CIDR form ({@code 10.0.0.5/24}); null when there is none to apply
 * @param standby whether the start leaves the links down once the identity is applied (a warm
 *     pool's ready clone: {@code LibvirtHypervisor#bringLinksUp} at its claim)
 */
record IdentityIntent(
    String hostname, String machineId, String mac, String sourceMac, String address, String gateway, IdentityPolicy policy,
    boolean standby) {

  IdentityIntent(String hostname, String machineId, String mac, String sourceMac, String address, String gateway, IdentityPolicy policy) {
    this(hostname, machineId, mac, sourceMac, address, gateway, policy, false);
  }

  static IdentityIntent of(VmIdentity id, String sourceMac, IdentityPolicy policy) {
    return of(id, sourceMac, policy, false);
  }

  static IdentityIntent of(VmIdentity id, String sourceMac, IdentityPolicy policy, boolean standby) {
    String address = id.ip() == null || id.ip().isBlank() || !id.ip().matches("[0-9.]+")
        ? null
        : id.ip() + "/" + (id.prefixLength() > 0 ? id.prefixLength() : 32);
    return new IdentityIntent(id.hostname(), id.machineId(), id.mac().toLowerCase(), sourceMac, address, id.gateway(), policy, standby);
  }

  void writeTo(Element clone) {
    set(clone, "hostname", hostname);
    set(clone, "machineId", machineId);
    set(clone, "mac", mac);
    set(clone, "sourceMac", sourceMac);
    set(clone, "address", address);
    set(clone, "gateway", gateway);
    set(clone, "policy", policy.wireName());
    if (standby) {
      clone.setAttribute("standby", "true");
    }
  }

  /** The intent recorded on a clone element, or null for clones defined before intents existed. */
  static IdentityIntent readFrom(Element clone) {
    if (!clone.hasAttribute("policy")) {
      return null;
    }
    return new IdentityIntent(
        get(clone, "hostname"),
        get(clone, "machineId"),
        get(clone, "mac"),
        get(clone, "sourceMac"),
        get(clone, "address"),
        get(clone, "gateway"),
        IdentityPolicy.parse(clone.getAttribute("policy")).orElse(IdentityPolicy.DEFAULT),
        "true".equals(clone.getAttribute("standby")));
  }

  private static void set(Element e, String name, String value) {
    if (value != null && !value.isBlank()) {
      e.setAttribute(name, value);
    }
  }

  private static String get(Element e, String name) {
    return e.hasAttribute(name) ? e.getAttribute(name) : null;
  }
}
