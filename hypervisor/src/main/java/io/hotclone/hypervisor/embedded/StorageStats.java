package io.hotclone.hypervisor.embedded;

/**
 * Shared-storage accounting (invariant I3): blocks allocated in the arena, layers alive, and the
 * sum of their reference counts. All three are zero once every VM and pointer is gone.
 */
public record StorageStats(int liveBlocks, int liveLayers, long layerReferences) {}
