package io.hotclone.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * clone-api over HTTP with an API key ({@code X-API-Key}) or a bearer token. A non-2xx answer becomes
 * an {@link ApiException} carrying the RFC 9457 problem's code and detail and the exit code of its
 * status; an unreachable API is {@link ExitCodes#UNAVAILABLE}.
 */
final class ApiClient {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;
  private final String apiKey;
  private final String token;

  ApiClient(String baseUrl, String apiKey, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.token = token;
  }

  JsonNode get(String path) {
    return send("GET", path, null, null);
  }

  /**
   * Every item of the paged list at {@code path}: its pages one after the other, following each
   * page's {@code Link: <…>; rel="next"} until a page has none (at most {@value #MAX_PAGES} pages).
   */
  JsonNode getAll(String path) {
    tools.jackson.databind.node.ArrayNode all = JSON.createArrayNode();
    String next = path;
    for (int page = 0; next != null && page < MAX_PAGES; page++) {
      HttpResponse<String> r = exchange("GET", next, null, null);
      JsonNode items = parse(r.body());
      if (!items.isArray()) {
        return items;
      }
      all.addAll((tools.jackson.databind.node.ArrayNode) items);
      next = nextLink(r.headers().allValues("Link"));
    }
    return all;
  }

  static final int MAX_PAGES = 10_000;
  private static final java.util.regex.Pattern NEXT =
      java.util.regex.Pattern.compile("<([^>]*)>\\s*;[^,]*\\brel=\"?next\"?");

  /** The target of the {@code rel="next"} link among {@code links} (a path of this API), or null. */
  static String nextLink(java.util.List<String> links) {
    for (String header : links) {
      java.util.regex.Matcher m = NEXT.matcher(header);
      if (m.find()) {
        String target = m.group(1);
        return target.startsWith("/") ? target : URI.create(target).getRawPath() + "?" + URI.create(target).getRawQuery();
      }
    }
    return null;
  }

  JsonNode post(String path, JsonNode body) {
    return send("POST", path, body, null);
  }

  /** A POST repeat-safe under {@code idempotencyKey}. */
  JsonNode post(String path, JsonNode body, String idempotencyKey) {
    return send("POST", path, body, idempotencyKey);
  }

  JsonNode put(String path, JsonNode body) {
    return send("PUT", path, body, null);
  }

  JsonNode delete(String path) {
    return send("DELETE", path, null, null);
  }

  /** One Server-Sent Event: its name and data (lines joined by newlines). */
  record Sse(String event, String data) {}

  /**
   * Reads the event stream at {@code path}, handing each event to {@code onEvent} until the server
   * ends the stream or {@code onEvent} returns false. A non-2xx answer is an {@link ApiException}.
   */
  void stream(String path, java.util.function.Predicate<Sse> onEvent) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Accept", "text/event-stream").GET();
    authenticate(b);
    HttpResponse<java.util.stream.Stream<String>> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new ApiException(ExitCodes.UNAVAILABLE, "clone-api at " + baseUrl + " unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ExitCodes.UNAVAILABLE, "interrupted");
    }
    try (java.util.stream.Stream<String> lines = r.body()) {
      if (r.statusCode() / 100 != 2) {
        String body = String.join("\n", lines.toList());
        throw new ApiException(ExitCodes.ofStatus(r.statusCode()), problem(r.statusCode(), parse(body), body));
      }
      String event = null;
      StringBuilder data = new StringBuilder();
      java.util.Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isEmpty()) {
          if (event != null || !data.isEmpty()) {
            if (!onEvent.test(new Sse(event == null ? "message" : event, data.toString()))) {
              return;
            }
          }
          event = null;
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          if (!data.isEmpty()) {
            data.append('\n');
          }
          data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
        }
      }
    }
  }

  private void authenticate(HttpRequest.Builder b) {
    if (apiKey != null && !apiKey.isBlank()) {
      b.header("X-API-Key", apiKey);
    } else if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token);
    }
  }

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String path, JsonNode body, String idempotencyKey) {
    return parse(exchange(method, path, body, idempotencyKey).body());
  }

  /** The 2xx answer to one request; anything else is an {@link ApiException}. */
  private HttpResponse<String> exchange(String method, String path, JsonNode body, String idempotencyKey) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json");
    authenticate(b);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    b.method(method, body == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ApiException(ExitCodes.UNAVAILABLE, "clone-api at " + baseUrl + " unreachable: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ExitCodes.UNAVAILABLE, "interrupted");
    }
    if (r.statusCode() / 100 != 2) {
      throw new ApiException(ExitCodes.ofStatus(r.statusCode()), problem(r.statusCode(), parse(r.body()), r.body()));
    }
    return r;
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return JSON.nullNode();
    }
    try {
      return JSON.readTree(body);
    } catch (RuntimeException notJson) {
      return JSON.nullNode();
    }
  }

  private static String problem(int status, JsonNode p, String raw) {
    if (p.isObject() && p.has("detail")) {
      return status + " " + p.path("code").asString("") + ": " + p.path("detail").asString();
    }
    return status + ": " + (raw == null ? "" : raw.strip());
  }
}
