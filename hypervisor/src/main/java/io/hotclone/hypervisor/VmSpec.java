package io.hotclone.hypervisor;

/** A new VM to create and start (drivers that can create VMs from scratch). */
public record VmSpec(HostName host, String name, long memoryBytes, long diskBytes) {}
