package io.hotclone.hypervisor;

import java.time.Instant;

/** Step 5: storage unfrozen; the frozen base stays shared and immutable. */
public record StorageThaw(VmId vm, Instant thawedAt, boolean alreadyThawed) {}
