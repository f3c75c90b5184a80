package io.hotclone.events;

/**
 * One step of giving a clone's guest its identity, as the driver reported it, in execution order:
 * {@code link-down}, {@code generation-id}, {@code hostname}, {@code machine-id}, {@code mac},
 * {@code ip}, {@code entropy}, {@code link-up}.
 *
 * @param status {@code APPLIED} (confirmed by the guest), {@code SKIPPED} or {@code FAILED}
 * @param detail the value applied, or why it was skipped or failed
 * @param atMillis when it finished, in milliseconds after the clone's restore began
 */
public record IdentityStep(String name, String status, String detail, long atMillis) {}
