package io.hotclone.api.webhooks.web;

import io.hotclone.api.webhooks.persistence.Endpoint;
import java.time.Instant;
import java.util.List;

/**
 * A webhook endpoint just registered, with its signing {@code secret} ({@code whsec_<base64>},
 * Standard Webhooks): the only time the secret is shown.
 */
public record CreatedWebhookView(
    String id, String tenant, String url, List<String> types, Instant createdAt, String createdBy, String secret) {

  static CreatedWebhookView of(Endpoint e) {
    return new CreatedWebhookView(e.id().toString(), e.tenant(), e.url(), e.types(), e.createdAt(), e.createdBy(), e.secret());
  }
}
