/**
 * Webhook endpoints and deliveries as rows of clone-api's schema (tables {@code webhook_endpoints},
 * {@code webhook_deliveries}, migration {@code V106}): what the REST layer lists and what the sender
 * claims, sends and records.
 */
package io.hotclone.api.webhooks.persistence;
