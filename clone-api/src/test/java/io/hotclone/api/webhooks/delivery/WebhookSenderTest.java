package io.hotclone.api.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.net.httpserver.HttpServer;
import io.hotclone.api.InlineTransactions;
import io.hotclone.api.webhooks.WebhookSignature;
import io.hotclone.api.webhooks.persistence.Delivery;
import io.hotclone.api.webhooks.persistence.WebhookDeliveries;
import io.hotclone.api.webhooks.persistence.WebhookEndpoints;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an attempt records: delivered, retried after the backoff, failed for good, the endpoint's run of failures. */
class WebhookSenderTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Instant NOW = T0.plusSeconds(30);
  private final WebhookDeliveries deliveries = mock(WebhookDeliveries.class);
  private final WebhookEndpoints endpoints = mock(WebhookEndpoints.class);
  private final UUID endpoint = UUID.randomUUID();
  private final AtomicInteger answer = new AtomicInteger();
  private HttpServer server;
  private WebhookSender sender;

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", x -> {
      x.getRequestBody().readAllBytes();
      x.sendResponseHeaders(answer.get(), -1);
      x.close();
    });
    server.start();
    WebhookProperties p = new WebhookProperties(List.of("127.0.0.1/32"), true, Duration.ofSeconds(5),
        Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofMinutes(10), 3, 2, Duration.ofSeconds(1), Duration.ofDays(7));
    sender = new WebhookSender(deliveries, endpoints, InlineTransactions.template(), Clock.fixed(NOW, ZoneOffset.UTC), p);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private WebhookDeliveries.Claimed claimed(int attemptsSoFar, Instant createdAt) {
    Delivery d = new Delivery(7, endpoint, UUID.randomUUID(), "io.hotclone.clone.completed", UUID.randomUUID(),
        Delivery.Status.PENDING, attemptsSoFar, null, null, createdAt, null, NOW, null);
    return new WebhookDeliveries.Claimed(d, "http://127.0.0.1:" + server.getAddress().getPort() + "/in",
        WebhookSignature.newSecret(), "{}".getBytes());
  }

  @Test
  void a2xxAnswerIsDeliveredAndEndsTheRunOfFailures() {
    answer.set(200);

    sender.attempt(claimed(0, T0));

    verify(deliveries).delivered(7, 200, NOW);
    verify(endpoints).succeeded(endpoint);
    verify(deliveries, never()).attemptFailed(anyLong(), any(), any(), any(), any());
  }

  @Test
  void a500IsRetriedAfterTheBackoffAndCountsAgainstTheEndpoint() {
    answer.set(500);

    sender.attempt(claimed(2, T0)); // the third attempt: 2 s doubled twice

    verify(deliveries).attemptFailed(7, 500, "HTTP 500", NOW, NOW.plusSeconds(8));
    verify(endpoints).failed(endpoint, 3, NOW);
    verify(deliveries, never()).delivered(anyLong(), anyInt(), any());
  }

  @Test
  void aFailureWhoseRetryWouldFallBeyondTheGiveUpTimeIsFinal() {
    answer.set(503);
    when(endpoints.failed(eq(endpoint), eq(3), any())).thenReturn(true);

    sender.attempt(claimed(5, NOW.minus(Duration.ofMinutes(9)).minusSeconds(50))); // next would be 64 s later: past 10 min

    verify(deliveries).attemptFailed(7, 503, "HTTP 503", NOW, null);
  }
}
