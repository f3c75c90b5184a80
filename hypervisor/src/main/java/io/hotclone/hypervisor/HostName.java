package io.hotclone.hypervisor;

import java.util.Objects;

/** The configured name of a hypervisor host, e.g. {@code host-a}. */
public record HostName(String value) {
  public HostName {
    Objects.requireNonNull(value, "host name");
    if (value.isBlank()) {
      throw new IllegalArgumentException("blank host name");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
