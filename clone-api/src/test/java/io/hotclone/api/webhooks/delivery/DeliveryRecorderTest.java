package io.hotclone.api.webhooks.delivery;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.hotclone.api.webhooks.persistence.Endpoint;
import io.hotclone.api.webhooks.persistence.WebhookDeliveries;
import io.hotclone.api.webhooks.persistence.WebhookEndpoints;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which endpoints an appended event makes deliveries for: its own tenant's, subscribed to its type. */
class DeliveryRecorderTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final WebhookEndpoints endpoints = mock(WebhookEndpoints.class);
  private final WebhookDeliveries deliveries = mock(WebhookDeliveries.class);
  private final DeliveryRecorder recorder =
      new DeliveryRecorder(endpoints, deliveries, mock(WebhookSender.class), Clock.fixed(NOW, ZoneOffset.UTC));
  private final UUID cloneId = UUID.randomUUID();
  private final io.hotclone.api.publishing.PublicCloudEvent completed = new io.hotclone.api.publishing.PublicCloudEvent(
      UUID.randomUUID(), "io.hotclone.clone.completed", "application/cloudevents+json", "{}".getBytes());

  private static Endpoint endpoint(String tenant, String... types) {
    return new Endpoint(UUID.randomUUID(), tenant, "https://hooks.example.com/", List.of(types), "whsec_x", NOW, "a", 0, null, null);
  }

  @Test
  void anEventGoesToEveryActiveEndpointOfItsTenantSubscribedToItsType() {
    Endpoint all = endpoint("t1", "io.hotclone.*");
    Endpoint exact = endpoint("t1", "io.hotclone.clone.completed");
    Endpoint other = endpoint("t1", "io.hotclone.vm.*");
    when(endpoints.active("t1")).thenReturn(List.of(all, exact, other));

    recorder.appended(completed, cloneId, "t1");

    verify(deliveries).insert(all.id(), completed.id(), completed.type(), cloneId, completed.body(), NOW);
    verify(deliveries).insert(exact.id(), completed.id(), completed.type(), cloneId, completed.body(), NOW);
    verify(deliveries, never()).insert(other.id(), completed.id(), completed.type(), cloneId, completed.body(), NOW);
    verify(endpoints, never()).active("t2");
  }

  @Test
  void anEventWithoutATenantGoesNowhere() {
    recorder.appended(completed, cloneId, null);

    verifyNoInteractions(endpoints, deliveries);
  }

  @Test
  void noEndpointsNoDeliveries() {
    when(endpoints.active("t1")).thenReturn(List.of());

    recorder.appended(completed, cloneId, "t1");

    verify(deliveries, never()).insert(any(), any(), any(), any(), any(), any());
  }
}
