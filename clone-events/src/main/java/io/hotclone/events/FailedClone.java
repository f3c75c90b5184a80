package io.hotclone.events;

/**
 * A clone of a {@code partial} request that failed on its own: it was removed (VM destroyed,
 * identity retired; after a failed copy nothing of it was made) while the others completed.
 *
 * @param index the clone's index in the plan
 * @param host the host it was to run on
 * @param step what failed: {@code copy} (the copy of the frozen state to its host: every clone of
 *     that host fails with it), {@code configure} (defining the clone) or {@code start}
 * @param reason why, as the hypervisor said
 */
public record FailedClone(int index, String host, String step, String reason) {}
