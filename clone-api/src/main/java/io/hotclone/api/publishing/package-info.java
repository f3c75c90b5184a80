/**
 * How a public CloudEvent leaves clone-api: encoded once with the CloudEvents SDK ({@link
 * io.hotclone.api.publishing.CloudEventEncoding}) and appended through {@link
 * io.hotclone.api.publishing.PublicEvents} — to the outbox for {@code hotclone.lifecycle} and to
 * every in-transaction listener (the webhook deliveries). Clone events and VM events both use it;
 * it depends on neither.
 */
package io.hotclone.api.publishing;
