package io.hotclone.hypervisor;

/**
 * A host's memory as its hypervisor reports it now, for placement.
 *
 * @param totalMemoryBytes the host's physical memory
 * @param freeMemoryBytes memory the host's kernel reports free (page cache not counted as used
 *     where the driver can tell)
 * @param vmMemoryBytes the memory configured for the VMs the host runs or has paused (what they may
 *     use, not what they touch now)
 * @param vms how many VMs that is
 */
public record HostCapacity(HostName host, long totalMemoryBytes, long freeMemoryBytes, long vmMemoryBytes, int vms) {}
