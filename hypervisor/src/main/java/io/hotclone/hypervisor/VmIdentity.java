package io.hotclone.hypervisor;

import java.util.UUID;

/**
 * Everything that must be unique per live VM (invariant I5): name, UUID, MAC, IP; plus the guest
 * hostname, SMBIOS serial and VM generation id a clone must not share with its source. {@code
 * prefixLength} and {@code gateway} complete the IP configuration applied inside the guest (0 and
 * null when the address comes with none).
 */
public record VmIdentity(
    String name,
    UUID uuid,
    String mac,
    String hostname,
    String ip,
    String smbiosSerial,
    UUID generationId,
    int prefixLength,
    String gateway) {

  public VmIdentity(
      String name, UUID uuid, String mac, String hostname, String ip, String smbiosSerial, UUID generationId) {
    this(name, uuid, mac, hostname, ip, smbiosSerial, generationId, 0, null);
  }

  /** The machine id the guest gets: the UUID's 32 hex digits (the systemd {@code machine-id} form). */
  public String machineId() {
    return uuid.toString().replace("-", "");
  }
}
