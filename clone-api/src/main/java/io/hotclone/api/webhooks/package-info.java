/**
 * Signed webhooks: a tenant's HTTP endpoints that receive the public lifecycle CloudEvents. This
 * package is the pure core, free of Spring: the Standard Webhooks signature ({@link
 * io.hotclone.api.webhooks.WebhookSignature}), the operator's destination allow-list ({@link
 * io.hotclone.api.webhooks.Destinations}), the retry schedule ({@link io.hotclone.api.webhooks.Backoff})
 * and the event type patterns ({@link io.hotclone.api.webhooks.TypePatterns}). Its adapters sit
 * beside it: {@code persistence} (endpoints and deliveries as rows), {@code delivery} (the rows
 * written with each event, the sender) and {@code web} (the REST endpoints).
 */
package io.hotclone.api.webhooks;
