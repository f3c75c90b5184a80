package io.hotclone.hypervisor;

/**
 * What the guest workload reports: its counter (how many iterations it ran; a clone continues from
 * its source's counter at the cut) and a running checksum of what it wrote. Unknown values are -1.
 */
public record GuestStatus(long counter, long checksum) {
  public static final GuestStatus UNKNOWN = new GuestStatus(-1, -1);
}
