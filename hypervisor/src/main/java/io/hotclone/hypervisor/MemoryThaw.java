package io.hotclone.hypervisor;

import java.time.Instant;

/**
 * Step 4: buffered writes merged back. {@code alreadyThawed} is true when nothing was frozen under
 * this clone id (never frozen, thawed before, or released by lease expiry): a thaw always succeeds.
 */
public record MemoryThaw(VmId vm, long mergedPages, Instant thawedAt, boolean alreadyThawed) {}
