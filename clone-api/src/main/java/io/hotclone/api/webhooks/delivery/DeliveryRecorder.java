package io.hotclone.api.webhooks.delivery;

import io.hotclone.api.publishing.PublicEvents;
import io.hotclone.api.webhooks.TypePatterns;
import io.hotclone.api.webhooks.persistence.Endpoint;
import io.hotclone.api.webhooks.persistence.WebhookDeliveries;
import io.hotclone.api.webhooks.persistence.WebhookEndpoints;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * For every public event appended, a PENDING delivery to each active endpoint of the event's tenant
 * that subscribes to its type, written in the event's own transaction (so a delivery exists exactly
 * when the event does, and survives a restart); once that commits, the sender is woken. An event
 * without a tenant goes to no endpoint.
 */
@Component
public class DeliveryRecorder implements PublicEvents.Listener {

  private final WebhookEndpoints endpoints;
  private final WebhookDeliveries deliveries;
  private final WebhookSender sender;
  private final Clock clock;

  public DeliveryRecorder(WebhookEndpoints endpoints, WebhookDeliveries deliveries, WebhookSender sender, Clock clock) {
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.sender = sender;
    this.clock = clock;
  }

  @Override
  public void appended(io.hotclone.api.publishing.PublicCloudEvent event, UUID key, String tenant) {
    if (tenant == null) {
      return;
    }
    Instant now = clock.instant();
    boolean any = false;
    for (Endpoint e : endpoints.active(tenant)) {
      if (TypePatterns.matches(e.types(), event.type())) {
        deliveries.insert(e.id(), event.id(), event.type(), key, event.body(), now);
        any = true;
      }
    }
    if (any && TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          sender.wakeUp();
        }
      });
    }
  }
}
