package io.hotclone.api.placement;

/**
 * Why a host could not take the next clone of a request.
 *
 * @param host the host
 * @param reason {@code not-allowed} (the tenant may not use it), {@code unreachable}, {@code
 *     addresses} (its IP pool has no free address left for this request) or {@code memory} (not
 *     enough room for the clone's memory)
 * @param detail a sentence with the figures
 */
public record Shortfall(String host, String reason, String detail) {}
