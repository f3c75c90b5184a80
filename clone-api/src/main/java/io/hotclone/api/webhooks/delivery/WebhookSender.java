package io.hotclone.api.webhooks.delivery;

import io.hotclone.api.webhooks.Backoff;
import io.hotclone.api.webhooks.Destinations;
import io.hotclone.api.webhooks.persistence.WebhookDeliveries;
import io.hotclone.api.webhooks.persistence.WebhookDeliveries.Claimed;
import io.hotclone.api.webhooks.persistence.WebhookEndpoints;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends due deliveries: a poll thread claims them (every {@code poll-interval}, right after an event
 * with deliveries commits, and after each attempt) and hands each to one of {@code concurrency}
 * workers, at most one request in flight per endpoint here, so a slow endpoint holds one worker for
 * at most the request timeout and never the others' deliveries. Each attempt is recorded in one
 * transaction: {@code DELIVERED} on 2xx; otherwise retried after {@link Backoff} until it gives up
 * ({@code FAILED}), and the endpoint's run of failures grows until the endpoint is disabled.
 * Delivery is at least once: a sender that dies mid-request leaves the claim to expire and the row
 * to be sent again, with the same {@code webhook-id}.
 */
@Component
@EnableConfigurationProperties(WebhookProperties.class)
public class WebhookSender implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
  private static final int MAX_ERROR = 500;
  private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

  private final WebhookDeliveries deliveries;
  private final WebhookEndpoints endpoints;
  private final WebhookRequests requests;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final WebhookProperties properties;
  private final Backoff backoff;
  private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
  private final Object wake = new Object();
  private boolean woken;
  private volatile boolean running;
  private Thread poller;
  private ExecutorService workers;
  private Instant lastPurge = Instant.EPOCH;

  public WebhookSender(
      WebhookDeliveries deliveries, WebhookEndpoints endpoints, TransactionTemplate tx, Clock clock, WebhookProperties properties) {
    this.deliveries = deliveries;
    this.endpoints = endpoints;
    this.tx = tx;
    this.clock = clock;
    this.properties = properties;
    this.backoff = properties.backoff();
    this.requests = new WebhookRequests(properties.destinations(), Destinations.DNS, properties.requestTimeout());
  }

  /** Look for due deliveries now. */
  public void wakeUp() {
    synchronized (wake) {
      woken = true;
      wake.notifyAll();
    }
  }

  @Override
  public void start() {
    running = true;
    AtomicInteger n = new AtomicInteger();
    workers = Executors.newFixedThreadPool(properties.concurrency(), r -> {
      Thread t = new Thread(r, "webhook-sender-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    poller = new Thread(this::loop, "webhook-poller");
    poller.setDaemon(true);
    poller.start();
  }

  @Override
  public void stop() {
    running = false;
    wakeUp();
    workers.shutdownNow();
    try {
      poller.join(5_000);
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void loop() {
    while (running) {
      try {
        dispatch();
        purge();
      } catch (RuntimeException e) {
        log.warn("webhook sender: {} (will retry)", e.toString());
      }
      awaitWork();
    }
  }

  /** Claims as many due deliveries as there are free workers and starts them. */
  void dispatch() {
    int free = properties.concurrency() - inFlight.size();
    if (free <= 0) {
      return;
    }
    Instant now = clock.instant();
    Instant claimUntil = now.plus(properties.requestTimeout().multipliedBy(2)).plusSeconds(10);
    List<Claimed> claimed = tx.execute(s -> deliveries.claim(free, Set.copyOf(inFlight), now, claimUntil));
    for (Claimed c : claimed) {
      inFlight.add(c.delivery().endpointId());
      workers.execute(() -> {
        try {
          attempt(c);
        } catch (RuntimeException e) {
          log.warn("webhook delivery {}: {} (the claim expires and it is tried again)", c.delivery().id(), e.toString());
        } finally {
          inFlight.remove(c.delivery().endpointId());
          wakeUp();
        }
      });
    }
  }

  /** One attempt of a claimed delivery, and its record. */
  void attempt(Claimed c) {
    WebhookRequests.Result result = requests.attempt(c.url(), c.secret(), c.delivery().eventId(), c.body(), clock.instant());
    Instant now = clock.instant();
    tx.executeWithoutResult(s -> {
      if (result.delivered()) {
        deliveries.delivered(c.delivery().id(), result.statusCode(), now);
        endpoints.succeeded(c.delivery().endpointId());
        return;
      }
      Instant next = backoff.nextAttempt(c.delivery().createdAt(), c.delivery().attempts() + 1, now).orElse(null);
      String error = result.error().length() > MAX_ERROR ? result.error().substring(0, MAX_ERROR) : result.error();
      deliveries.attemptFailed(c.delivery().id(), result.statusCode(), error, now, next);
      if (endpoints.failed(c.delivery().endpointId(), properties.disableAfterFailures(), now)) {
        log.warn("webhook endpoint {} disabled after {} consecutive failed attempts; last: {}",
            c.delivery().endpointId(), properties.disableAfterFailures(), error);
      }
    });
  }

  private void purge() {
    Instant now = clock.instant();
    if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) >= 0) {
      lastPurge = now;
      int n = deliveries.purgeEndedBefore(now.minus(properties.retention()));
      if (n > 0) {
        log.info("webhook deliveries: {} ended more than {} ago deleted", n, properties.retention());
      }
    }
  }

  private void awaitWork() {
    synchronized (wake) {
      try {
        if (!woken && running) {
          wake.wait(properties.pollInterval().toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
      woken = false;
    }
  }
}
