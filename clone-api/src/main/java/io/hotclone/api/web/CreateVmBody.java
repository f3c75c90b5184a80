package io.hotclone.api.web;

/**
 * Body of {@code POST /api/v1/vms}: a new VM {@code name} on {@code host}, sizes in MiB; {@code
 * image} the guest image where the driver has several ({@code busybox}, the default, or {@code
 * agent}: with the QEMU guest agent, on libvirt); {@code disks} the number of disks of {@code
 * diskMiB} each (1 by default, up to 8; more than one needs a driver that gives VMs several disks:
 * libvirt); {@code labels} the VM's labels ({@link io.hotclone.api.labels.Labels}), inherited by
 * its clones.
 */
public record CreateVmBody(
    String name,
    String host,
    Long memoryMiB,
    Long diskMiB,
    String image,
    Integer disks,
    @io.swagger.v3.oas.annotations.media.Schema(
            description = LabelsSchema.DESCRIPTION, example = LabelsSchema.EXAMPLE)
        java.util.Map<String, String> labels) {

  public CreateVmBody(String name, String host, Long memoryMiB, Long diskMiB) {
    this(name, host, memoryMiB, diskMiB, null, null, null);
  }
}
