package io.hotclone.api.webhooks.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A registered webhook endpoint of {@code tenant}. {@code secret} signs what is sent to it (never
 * shown after registration); {@code disabledAt} is set once {@code consecutiveFailures} reached the
 * configured limit, and nothing is sent to a disabled endpoint.
 */
public record Endpoint(
    UUID id,
    String tenant,
    String url,
    List<String> types,
    String secret,
    Instant createdAt,
    String createdBy,
    int consecutiveFailures,
    Instant disabledAt,
    String disabledReason) {

  public Endpoint {
    types = List.copyOf(types);
  }

  public boolean disabled() {
    return disabledAt != null;
  }

  @Override
  public String toString() { // never the secret
    return "Endpoint[" + id + ", tenant " + tenant + ", " + url + "]";
  }
}
