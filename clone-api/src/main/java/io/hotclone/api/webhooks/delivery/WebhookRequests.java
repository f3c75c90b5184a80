package io.hotclone.api.webhooks.delivery;

import io.hotclone.api.webhooks.Destinations;
import io.hotclone.api.webhooks.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One attempt of one delivery: the destination checked against the allow-list after resolving its
 * host (the JDK's address cache then hands the client the addresses just checked), then a {@code
 * POST} in the CloudEvents HTTP binding, structured mode ({@code Content-Type:
 * application/cloudevents+json}, the event's JSON as the body), signed per Standard Webhooks
 * ({@code webhook-id} = the CloudEvents id, the same on every attempt; {@code webhook-timestamp} =
 * the attempt's unix seconds; {@code webhook-signature}). Redirects are not followed, no proxy is
 * used, the answer's body is not read; the attempt is bounded by the request timeout.
 */
public class WebhookRequests {

  public static final String CONTENT_TYPE = "application/cloudevents+json";

  /** What an attempt came to: a status code (null when none came back) and, unless 2xx, an error. */
  public record Result(Integer statusCode, String error) {
    public boolean delivered() {
      return error == null;
    }
  }

  private final HttpClient http;
  private final Destinations destinations;
  private final Destinations.Resolver resolver;
  private final Duration timeout;

  public WebhookRequests(Destinations destinations, Destinations.Resolver resolver, Duration timeout) {
    this.destinations = destinations;
    this.resolver = resolver;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(timeout)
        .build();
  }

  public Result attempt(String url, String secret, UUID eventId, byte[] body, Instant now) {
    Optional<Destinations.Refusal> refused = destinations.check(Destinations.host(url), resolver);
    if (refused.isPresent()) {
      return new Result(null, "destination refused: " + refused.get().reason());
    }
    long timestamp = now.getEpochSecond();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .timeout(timeout)
        .header("Content-Type", CONTENT_TYPE)
        .header("User-Agent", "HotClone-Webhooks/1")
        .header("webhook-id", eventId.toString())
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", WebhookSignature.sign(secret, eventId.toString(), timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    try {
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      response.body().close(); // the answer's body is not needed
      int code = response.statusCode();
      if (code >= 200 && code < 300) {
        return new Result(code, null);
      }
      return new Result(code, code >= 300 && code < 400 ? "HTTP " + code + " (redirects are not followed)" : "HTTP " + code);
    } catch (HttpTimeoutException e) {
      return new Result(null, "timed out after " + timeout.toMillis() + " ms");
    } catch (ConnectException e) {
      return new Result(null, "connection failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (IOException | IllegalArgumentException e) {
      return new Result(null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(null, "interrupted (clone-api stopping)");
    }
  }
}
