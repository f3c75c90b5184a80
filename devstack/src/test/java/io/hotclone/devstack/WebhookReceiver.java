package io.hotclone.devstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * A webhook consumer as a billing system would write one, on 127.0.0.1: it verifies each request's
 * Standard Webhooks signature with its own HMAC code (not HotClone's), records every request, and
 * applies each event once — a redelivery (same {@code webhook-id}) is acknowledged without effect.
 * What it answers is chosen per request by {@code answer} (the n-th request of that id, from 1);
 * {@link #hold()} makes it block every request until {@link #release()}.
 */
final class WebhookReceiver implements AutoCloseable {

  /** One request as received. */
  record Received(String id, long timestamp, String signature, String contentType, byte[] body, boolean signatureValid,
      int answeredWith, long receivedAtNanos) {
    JsonNode event() {
      return TestStack.JSON.readTree(body);
    }
  }

  private final HttpServer server;
  private volatile String secret;
  private volatile IntUnaryOperator answer = n -> 204;
  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private final List<JsonNode> applied = new CopyOnWriteArrayList<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> perId = new ConcurrentHashMap<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final AtomicInteger blocked = new AtomicInteger();

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/hook", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** The endpoint's secret, as the registration answered it. */
  void secret(String s) {
    this.secret = s;
  }

  void answer(IntUnaryOperator byAttempt) {
    this.answer = byAttempt;
  }

  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  /** Requests blocked in {@link #hold()} right now. */
  int blocked() {
    return blocked.get();
  }

  List<Received> requests() {
    return new ArrayList<>(requests);
  }

  /** Events applied (once each), in the order they were applied. */
  List<JsonNode> applied() {
    return new ArrayList<>(applied);
  }

  private void handle(HttpExchange x) throws IOException {
    long at = System.nanoTime();
    byte[] body = x.getRequestBody().readAllBytes();
    String id = x.getRequestHeaders().getFirst("webhook-id");
    String ts = x.getRequestHeaders().getFirst("webhook-timestamp");
    String sig = x.getRequestHeaders().getFirst("webhook-signature");
    boolean valid = id != null && ts != null && sig != null && verify(id, ts, body, sig);
    blocked.incrementAndGet();
    try {
      gate.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      blocked.decrementAndGet();
    }
    int n = perId.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger()).incrementAndGet();
    int status = valid ? answer.applyAsInt(n) : 401;
    if (valid && seen.add(id)) { // the effect, once per webhook-id, even when the answer is an error
      applied.add(TestStack.JSON.readTree(body));
    }
    requests.add(new Received(id, ts == null ? -1 : Long.parseLong(ts), sig,
        x.getRequestHeaders().getFirst("Content-Type"), body, valid, status, at));
    x.sendResponseHeaders(status, -1);
    x.close();
  }

  /** Standard Webhooks verification, written here: v1 signatures, space-separated, any one matching. */
  private boolean verify(String id, String ts, byte[] body, String header) {
    try {
      String s = secret;
      if (s == null) {
        return false;
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(s.replaceFirst("^whsec_", "")), "HmacSHA256"));
      mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
      byte[] expected = mac.doFinal(body);
      for (String part : header.split(" ")) {
        String[] v = part.split(",", 2);
        if (v.length == 2 && v[0].toLowerCase(Locale.ROOT).equals("v1")
            && java.security.MessageDigest.isEqual(expected, Base64.getDecoder().decode(v[1]))) {
          return true;
        }
      }
      return false;
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
