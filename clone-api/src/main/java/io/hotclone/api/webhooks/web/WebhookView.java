package io.hotclone.api.webhooks.web;

import io.hotclone.api.webhooks.persistence.Endpoint;
import java.time.Instant;
import java.util.List;

/**
 * A webhook endpoint as the API shows it, never with its secret. {@code disabled} once {@code
 * consecutiveFailures} reached the operator's limit ({@code hotclone.webhooks.disable-after-failures},
 * 20 by default); nothing is sent to a disabled endpoint.
 */
public record WebhookView(
    String id,
    String tenant,
    String url,
    List<String> types,
    Instant createdAt,
    String createdBy,
    int consecutiveFailures,
    boolean disabled,
    Instant disabledAt,
    String disabledReason) {

  static WebhookView of(Endpoint e) {
    return new WebhookView(e.id().toString(), e.tenant(), e.url(), e.types(), e.createdAt(), e.createdBy(),
        e.consecutiveFailures(), e.disabled(), e.disabledAt(), e.disabledReason());
  }
}
