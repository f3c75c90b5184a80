/**
 * Getting events to webhook endpoints: {@link io.hotclone.api.webhooks.delivery.DeliveryRecorder}
 * writes one delivery row per (event, subscribed endpoint) in the transaction that appends the
 * event ({@link io.hotclone.api.publishing.PublicEvents.Listener}); {@link
 * io.hotclone.api.webhooks.delivery.WebhookSender} claims due rows, posts them signed ({@link
 * io.hotclone.api.webhooks.delivery.WebhookRequests}) and records each attempt; settings in {@link
 * io.hotclone.api.webhooks.delivery.WebhookProperties}.
 */
package io.hotclone.api.webhooks.delivery;
