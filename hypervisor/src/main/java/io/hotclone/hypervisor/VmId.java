package io.hotclone.hypervisor;

import java.util.Objects;

/** A VM's id, unique across the hosts of one driver (the embedded driver and libvirt use the UUID). */
public record VmId(String value) {
  public VmId {
    Objects.requireNonNull(value, "vm id");
    if (value.isBlank()) {
      throw new IllegalArgumentException("blank vm id");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
