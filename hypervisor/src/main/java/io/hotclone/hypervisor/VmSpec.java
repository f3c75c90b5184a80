package io.hotclone.hypervisor;

/**
 * A new VM to create and start (drivers that can create VMs from scratch). {@code image} names the
 * guest image where the driver has several ({@code busybox}, the default; {@code agent}: with the
 * QEMU guest agent); null means the default. {@code disks} is the number of disks of {@code
 * diskBytes} each (1 unless said; drivers with one disk per VM refuse more).
 */
public record VmSpec(HostName host, String name, long memoryBytes, long diskBytes, String image, int disks) {

  public static final String DEFAULT_IMAGE = "busybox";
  public static final String AGENT_IMAGE = "agent";
  public static final int MAX_DISKS = 8;

  public VmSpec {
    image = image == null || image.isBlank() ? DEFAULT_IMAGE : image;
    disks = disks <= 0 ? 1 : disks;
    if (disks > MAX_DISKS) {
      throw new IllegalArgumentException("at most " + MAX_DISKS + " disks, not " + disks);
    }
  }

  public VmSpec(HostName host, String name, long memoryBytes, long diskBytes, String image) {
    this(host, name, memoryBytes, diskBytes, image, 1);
  }

  public VmSpec(HostName host, String name, long memoryBytes, long diskBytes) {
    this(host, name, memoryBytes, diskBytes, null, 1);
  }
}
