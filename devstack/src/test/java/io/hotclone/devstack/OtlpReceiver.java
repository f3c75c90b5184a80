package io.hotclone.devstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal OTLP/HTTP trace receiver, as a collector would be: {@code POST /v1/traces} with an
 * {@code application/x-protobuf} body, decoded as an {@code ExportTraceServiceRequest} (the
 * OpenTelemetry protocol's own classes), answered {@code 200} with an empty {@code
 * ExportTraceServiceResponse}. Anything else is refused ({@code 404}, {@code 405}, {@code 415}) and
 * counted. One receiver on 127.0.0.1 for the test JVM ({@link #shared()}), started before the test
 * stack so that every service of it exports here; the newest {@value #LIMIT} spans are kept.
 */
final class OtlpReceiver {

  /** A span as it arrived: its resource's {@code service.name} and its ids in lowercase hex. */
  record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name) {

    /** Whether the span has no parent (OTLP: an empty {@code parent_span_id}). */
    boolean isRoot() {
      return parentSpanId.isEmpty();
    }
  }

  static final String PATH = "/v1/traces";
  private static final int LIMIT = 50_000;
  private static OtlpReceiver shared;

  private final HttpServer server;
  private final Deque<ReceivedSpan> spans = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicInteger exports = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  private OtlpReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "otlp-receiver");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  /** The receiver of this JVM, started on first use (it runs until the JVM ends). */
  static synchronized OtlpReceiver shared() {
    if (shared == null) {
      shared = new OtlpReceiver();
    }
    return shared;
  }

  /** The URL to configure as a service's OTLP/HTTP traces endpoint. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  /** The spans of {@code traceId} received so far. */
  List<ReceivedSpan> ofTrace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  /** Export requests accepted so far. */
  int exports() {
    return exports.get();
  }

  /** Requests refused so far (wrong path, method or content type, or a body that is not OTLP). */
  int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        answer(exchange, 404, new byte[0]);
      } else if (!"POST".equals(exchange.getRequestMethod())) {
        answer(exchange, 405, new byte[0]);
      } else if (!"application/x-protobuf".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
        answer(exchange, 415, new byte[0]);
      } else {
        ExportTraceServiceRequest request;
        try {
          request = ExportTraceServiceRequest.parseFrom(body);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          answer(exchange, 400, new byte[0]);
          return;
        }
        request.getResourceSpansList().forEach(this::keep);
        exports.incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        answer(exchange, 200, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
      }
    }
  }

  private void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
    if (status != 200) {
      refused.incrementAndGet();
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private void keep(ResourceSpans resourceSpans) {
    String service = resourceSpans.getResource().getAttributesList().stream()
        .filter(a -> a.getKey().equals("service.name"))
        .map(KeyValue::getValue)
        .map(v -> v.getStringValue())
        .findFirst()
        .orElse("");
    HexFormat hex = HexFormat.of();
    for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
      for (Span s : scope.getSpansList()) {
        spans.addLast(new ReceivedSpan(service, hex.formatHex(s.getTraceId().toByteArray()),
            hex.formatHex(s.getSpanId().toByteArray()), hex.formatHex(s.getParentSpanId().toByteArray()), s.getName()));
        if (size.incrementAndGet() > LIMIT && spans.pollFirst() != null) {
          size.decrementAndGet();
        }
      }
    }
  }
}
