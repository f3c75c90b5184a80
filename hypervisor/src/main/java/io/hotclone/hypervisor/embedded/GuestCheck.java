package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.VmId;
import java.util.List;

/**
 * The result of comparing a VM's memory, disk, registers and checksum with what its deterministic
 * guest workload must have produced given its counter (invariant I2: no write lost, last write
 * wins). {@code mismatches} lists up to ten differences; empty means exact equality.
 */
public record GuestCheck(VmId vm, long counter, List<String> mismatches) {
  public boolean ok() {
    return mismatches.isEmpty();
  }
}
