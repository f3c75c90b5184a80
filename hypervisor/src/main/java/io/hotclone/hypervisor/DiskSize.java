package io.hotclone.hypervisor;

/**
 * One disk of a VM as its hypervisor reports it.
 *
 * @param device the guest's device name ({@code vda}, {@code disk0}, …)
 * @param bytes the virtual size the guest sees; 0 when the hypervisor could not read it
 */
public record DiskSize(String device, long bytes) {}
