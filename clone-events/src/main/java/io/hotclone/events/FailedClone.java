package io.hotclone.events;

/**
 * A clone of a {@code partial} request that failed on its own: it was removed (VM destroyed,
 * identity retired) while the others completed.
 *
 * @param index the clone's index in the plan
 * @param host the host it was to run on
 * @param step what failed: {@code configure} (defining the clone) or {@code start}
 * @param reason why, as the hypervisor said
 */
public record FailedClone(int index, String host, String step, String reason) {}
