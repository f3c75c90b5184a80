package io.hotclone.api.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.hotclone.api.webhooks.Destinations;
import io.hotclone.api.webhooks.WebhookSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One attempt against a receiver on 127.0.0.1 (a JDK HttpServer in the test). */
class WebhookRequestsTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final byte[] BODY = "{\"specversion\":\"1.0\",\"id\":\"e\",\"type\":\"io.hotclone.clone.completed\"}"
      .getBytes(StandardCharsets.UTF_8);

  private HttpServer server;
  private final AtomicInteger answer = new AtomicInteger(204);
  private final Map<String, String> headers = new ConcurrentHashMap<>();
  private volatile byte[] received;
  private final CountDownLatch release = new CountDownLatch(1);
  private final Destinations loopback = Destinations.of(List.of("127.0.0.1/32"), true);

  @BeforeEach
  void receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/hook", x -> {
      received = x.getRequestBody().readAllBytes();
      x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      x.getResponseHeaders().add("Location", "http://192.0.2.1/"); // TEST-NET-1: never reached
      x.sendResponseHeaders(answer.get(), -1);
      x.close();
    });
    server.createContext("/slow", x -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      x.sendResponseHeaders(204, -1);
      x.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Test
  void postsTheEventInStructuredModeSignedPerStandardWebhooks() throws Exception {
    String secret = WebhookSignature.newSecret();
    UUID id = UUID.randomUUID();

    WebhookRequests.Result r = new WebhookRequests(loopback, Destinations.DNS, Duration.ofSeconds(5))
        .attempt(url("/hook"), secret, id, BODY, NOW);

    assertThat(r).isEqualTo(new WebhookRequests.Result(204, null));
    assertThat(received).isEqualTo(BODY);
    assertThat(headers.get("content-type")).isEqualTo("application/cloudevents+json");
    assertThat(headers.get("webhook-id")).isEqualTo(id.toString());
    assertThat(headers.get("webhook-timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
    // verified as a receiver would: key = base64 after whsec_, HMAC over id.timestamp.body
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(java.util.Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
    String expected = java.util.Base64.getEncoder().encodeToString(
        mac.doFinal((id + "." + NOW.getEpochSecond() + "." + new String(received, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
    assertThat(headers.get("webhook-signature")).isEqualTo("v1," + expected);
  }

  @Test
  void aNon2xxAnswerIsAFailureWithItsStatus() {
    answer.set(500);

    WebhookRequests.Result r = new WebhookRequests(loopback, Destinations.DNS, Duration.ofSeconds(5))
        .attempt(url("/hook"), WebhookSignature.newSecret(), UUID.randomUUID(), BODY, NOW);

    assertThat(r).isEqualTo(new WebhookRequests.Result(500, "HTTP 500"));
  }

  @Test
  void aRedirectIsNotFollowed() {
    answer.set(302);

    WebhookRequests.Result r = new WebhookRequests(loopback, Destinations.DNS, Duration.ofSeconds(5))
        .attempt(url("/hook"), WebhookSignature.newSecret(), UUID.randomUUID(), BODY, NOW);

    assertThat(r).isEqualTo(new WebhookRequests.Result(302, "HTTP 302 (redirects are not followed)"));
  }

  @Test
  void anEndpointThatDoesNotAnswerTimesOut() {
    long t0 = System.nanoTime();

    WebhookRequests.Result r = new WebhookRequests(loopback, Destinations.DNS, Duration.ofMillis(300))
        .attempt(url("/slow"), WebhookSignature.newSecret(), UUID.randomUUID(), BODY, NOW);

    assertThat(r).isEqualTo(new WebhookRequests.Result(null, "timed out after 300 ms"));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aDestinationOutsideTheAllowListIsNotContactedAtAll() {
    // the name resolves (at send time) to loopback, which the default allow-list refuses
    Destinations.Resolver rebound = host -> List.of(InetAddress.getLoopbackAddress());

    WebhookRequests.Result r = new WebhookRequests(Destinations.of(List.of(), true), rebound, Duration.ofSeconds(5))
        .attempt("http://hooks.example.com:" + server.getAddress().getPort() + "/hook", WebhookSignature.newSecret(),
            UUID.randomUUID(), BODY, NOW);

    assertThat(r.statusCode()).isNull();
    assertThat(r.error()).startsWith("destination refused: host hooks.example.com resolves to 127.0.0.1, a loopback address");
    assertThat(received).isNull();
  }
}
