package io.hotclone.hypervisor;

/**
 * Step 7: where a clone's disk lives in shared storage: its own block map (embedded) or overlay
 * file (libvirt) over the frozen shared base {@code baseRef}.
 */
public record StoragePointer(String id, HostName host, String location, String baseRef) {}
