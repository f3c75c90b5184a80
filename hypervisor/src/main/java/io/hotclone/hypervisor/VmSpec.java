package io.hotclone.hypervisor;

/**
 * A new VM to create and start (drivers that can create VMs from scratch). {@code image} names the
 * guest image where the driver has several ({@code busybox}, the default; {@code agent}: with the
 * QEMU guest agent); null means the default.
 */
public record VmSpec(HostName host, String name, long memoryBytes, long diskBytes, String image) {

  public static final String DEFAULT_IMAGE = "busybox";
  public static final String AGENT_IMAGE = "agent";

  public VmSpec {
    image = image == null || image.isBlank() ? DEFAULT_IMAGE : image;
  }

  public VmSpec(HostName host, String name, long memoryBytes, long diskBytes) {
    this(host, name, memoryBytes, diskBytes, null);
  }
}
