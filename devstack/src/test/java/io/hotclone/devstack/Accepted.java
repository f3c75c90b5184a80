package io.hotclone.devstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A clone request the shared stack accepted: the clone's id and the {@code X-Trace-Id} of the answer. */
record Accepted(String id, String traceId) {

  /** {@code POST /api/v1/clones} of one clone of {@code sourceVm} to host-b as tenant-a; 202 expected. */
  static Accepted post(String sourceVm) {
    String json = "{\"sourceVm\":\"" + sourceVm + "\",\"targetHost\":\"host-b\",\"count\":1}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + TestStack.get().apiPort() + "/api/v1/clones"))
            .timeout(Duration.ofSeconds(30))
            .header("X-API-Key", TestStack.key("tenant-a"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) {
        throw new AssertionError("POST /api/v1/clones answered " + r.statusCode() + ": " + r.body());
      }
      return new Accepted(TestStack.JSON.readTree(r.body()).path("id").asString(),
          r.headers().firstValue("X-Trace-Id").orElse(""));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
