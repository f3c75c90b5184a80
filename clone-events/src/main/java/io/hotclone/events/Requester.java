package io.hotclone.events;

/**
 * Who asked for a clone, for audit: the authenticated {@code subject} (a JWT's {@code sub} or an API
 * key's owner), the {@code tenant} the operation belongs to, and the {@code keyId} of the API key
 * used ({@code null} for a JWT). Never carries a secret.
 */
public record Requester(String subject, String tenant, String keyId) {}
