package io.hotclone.api.publishing;

import java.util.UUID;

/**
 * One encoded public CloudEvent, ready for the outbox ({@code Outbox.appendRaw}) and for webhooks:
 * the structured-mode body (JSON event format) and the {@code content-type} the bindings require
 * with it ({@code application/cloudevents+json}).
 */
public record PublicCloudEvent(UUID id, String type, String contentType, byte[] body) {}
