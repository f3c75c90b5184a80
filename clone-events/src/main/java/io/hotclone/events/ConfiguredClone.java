package io.hotclone.events;

import java.util.List;

/**
 * A clone that runs on its target with its own identity.
 *
 * @param ip the address the clone's guest reports (read back through its agent; with the embedded
 *     driver, the allocated one); null when the guest has not confirmed one
 * @param hostname the host name the guest reports, likewise
 * @param allocatedIp the address allocated to the clone from its host network's pool
 * @param identityOutcome {@code APPLIED} (the guest is its own machine, link up), {@code ISOLATED}
 *     (not applied; link held down, the clone needs identity) or {@code UNAPPLIED} (not applied, link
 *     up anyway under policy {@code allow}: a warning); null from producers before this field
 * @param identitySteps what was done inside the guest, in order
 * @param disks the clone's storage pointer of every disk (device order, the first is {@code
 *     pointerId}'s); empty from producers before this field
 */
public record ConfiguredClone(
    int index,
    String vmId,
    String name,
    String uuid,
    String mac,
    String ip,
    String hostname,
    String host,
    String pointerId,
    int generation,
    String allocatedIp,
    String identityOutcome,
    List<IdentityStep> identitySteps,
    List<ClonePointer.DiskPointer> disks) {

  public ConfiguredClone {
    identitySteps = identitySteps == null ? List.of() : List.copyOf(identitySteps);
    disks = disks == null ? List.of() : List.copyOf(disks);
  }

  public ConfiguredClone(
      int index,
      String vmId,
      String name,
      String uuid,
      String mac,
      String ip,
      String hostname,
      String host,
      String pointerId,
      int generation,
      String allocatedIp,
      String identityOutcome,
      List<IdentityStep> identitySteps) {
    this(index, vmId, name, uuid, mac, ip, hostname, host, pointerId, generation, allocatedIp, identityOutcome, identitySteps, List.of());
  }

  public ConfiguredClone(
      int index, String vmId, String name, String uuid, String mac, String ip, String hostname, String host, String pointerId, int generation) {
    this(index, vmId, name, uuid, mac, ip, hostname, host, pointerId, generation, ip, null, List.of());
  }
}
