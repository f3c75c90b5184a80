package io.hotclone.devstack;

import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One devstack for all integration tests of this JVM (real Kafka, real PostgreSQL, the five
 * services, the embedded hypervisor), on free ports and a fresh data directory, plus small HTTP
 * and await helpers. Kafka and PostgreSQL are devstack's embedded ones unless {@link
 * ContainerInfra#enabled()} (then containers).
 */
final class TestStack {

  private static DevStack stack;
  private static java.util.function.Function<Path, DevStackSettings> settings =
      dir -> DevStackSettings.forTests(dir, Map.ofEntries(
          Map.entry("hotclone.api.operation-timeout", "30s"),
          // VMs lost or paused outside HotClone are seen within seconds (BillingConsumerIT)
          Map.entry("hotclone.api.reconcile-interval", "PT2S"),
          // warm pools refill and expire within a fraction of a second (PoolsIT)
          Map.entry("hotclone.api.pool-reconcile-interval", "PT0.2S"),
          Map.entry("hotclone.lease.check-interval", "200"),
          // low enough that BurstIT's 1,000 requests meet both limits
          Map.entry("hotclone.api.max-in-flight", "24"),
          Map.entry("hotclone.api.max-in-flight-per-tenant", "12"),
          // a tenant restricted to one host (TenantIsolationIT)
          Map.entry("hotclone.security.tenants.tenant-c.hosts", "host-a"),
          Map.entry("hotclone.config.ip-pools.host-b.cidr", "10.78.0.0/24"),
          Map.entry("hotclone.config.ip-pools.host-b.gateway", "10.78.0.1"),
          // every service exports its spans over OTLP/HTTP to this JVM's receiver (OtlpExportIT),
          // its batches sent soon after a span ends (Boot's default waits 5 s)
          Map.entry("management.opentelemetry.tracing.export.otlp.endpoint", OtlpReceiver.shared().endpoint()),
          Map.entry("management.opentelemetry.tracing.export.schedule-delay", "100ms"),
          // and logs, besides the console, as ECS JSON lines to a file (JsonLogsIT)
          Map.entry("logging.file.name", logFile(dir).toString()),
          Map.entry("logging.structured.format.file", "ecs"),
          // WebhooksIT: receivers on 127.0.0.1 only; short backoffs so retries happen within the test
          Map.entry("hotclone.webhooks.allowed-destinations", "127.0.0.1/32"),
          Map.entry("hotclone.webhooks.backoff-initial", "200ms"),
          Map.entry("hotclone.webhooks.backoff-max", "1s"),
          Map.entry("hotclone.webhooks.give-up-after", "2m"),
          Map.entry("hotclone.webhooks.request-timeout", "5s"),
          Map.entry("hotclone.webhooks.disable-after-failures", "5"),
          Map.entry("hotclone.webhooks.poll-interval", "200ms")));
  static final JsonMapper JSON = JsonMapper.builder().build();

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TestStack() {}

  /** Starts the shared stack with other settings (call before the first {@link #get()}). */
  static synchronized void use(java.util.function.Function<Path, DevStackSettings> other) {
    if (stack != null) {
      throw new IllegalStateException("the test stack runs already");
    }
    settings = other;
  }

  static synchronized DevStack get() {
    if (stack == null) {
      Path dir = TestDirs.create("hotclone-it");
      // HOTCLONE_IT_CONTAINERS=true: Kafka and PostgreSQL in containers (needs Docker)
      stack = ContainerInfra.enabled()
          ? DevStack.start(settings.apply(dir), ContainerInfra.start())
          : DevStack.start(settings.apply(dir));
      stackDir = dir;
      Runtime.getRuntime().addShutdownHook(new Thread(TestStack::close));
      register(stack);
    }
    return stack;
  }

  private static Path stackDir;

  /** The JSON log file of the stack started in {@code dir} (the default settings write it). */
  static Path logFile(Path dir) {
    return dir.resolve("logs").resolve("services.json.log");
  }

  /** The JSON log file of the shared stack. */
  static synchronized Path logFile() {
    get();
    return logFile(stackDir);
  }

  /**
   * Stops the shared stack if it runs: the services first, then Kafka and PostgreSQL. Called when
   * the test session ends ({@link TestStackSession}), before the JVM's shutdown hooks, among which
   * Testcontainers' own stops the containers under still running services; at JVM exit otherwise.
   */
  static synchronized void close() {
    if (stack == null) {
      return;
    }
    DevStack running = stack;
    stack = null;
    try {
      running.close();
    } finally {
      TestDirs.delete(stackDir);
    }
  }

  /** The API key every request to a port sends unless it names its own credentials. */
  private static final Map<Integer, String> DEFAULT_KEYS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Requests to {@code stack}'s clone-api act as tenant-a unless they carry their own credentials. */
  static void register(DevStack stack) {
    DEFAULT_KEYS.put(stack.apiPort(), stack.apiKey("tenant-a"));
  }

  /** Requests to the clone-api on {@code port} send {@code apiKey} unless they carry their own credentials. */
  static void register(int port, String apiKey) {
    DEFAULT_KEYS.put(port, apiKey);
  }

  /** The shared stack's development API key of {@code tenant} ({@code "admin"}: the admin key). */
  static String key(String tenant) {
    return get().apiKey(tenant);
  }

  /** Headers that authenticate with an API key. */
  static Map<String, String> as(String apiKey) {
    return Map.of("X-API-Key", apiKey);
  }

  static EmbeddedHypervisor hypervisor() {
    Hypervisor h = get().hypervisor();
    return (EmbeddedHypervisor) h;
  }

  /**
   * Holds the next call of {@code step} of the embedded driver (see {@link
   * EmbeddedHypervisor#holdNextOperation}) once no clone operation is in flight, so that the call
   * held is one of the caller's clones, not one a previous test left running; run the gate to let
   * it go.
   */
  static Runnable holdNextOperationOfTheNextClone(String step) {
    await("no clone operation in flight", Duration.ofSeconds(60), () -> schema("api").queryForObject(
        "SELECT count(*) FROM clone_operations WHERE phase NOT IN ('COMPLETED', 'FAILED')", Integer.class) == 0);
    return hypervisor().holdNextOperation(step);
  }

  /** A JdbcTemplate on one service's schema, for asserting on what the services recorded. */
  static JdbcTemplate schema(String schema) {
    return SCHEMAS.computeIfAbsent(schema, s -> new JdbcTemplate(
        new SingleConnectionDataSource(get().jdbcUrl() + "?currentSchema=" + s, "postgres", "postgres", true)));
  }

  /** One connection per schema, kept for the JVM (tests poll in loops; a connection per call leaks). */
  private static final Map<String, JdbcTemplate> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();

  record Response(int status, String contentType, JsonNode body, String location, String retryAfter, String text) {

    /** Whether this is an RFC 9457 problem detail with {@code urn:hotclone:problem:<code>} and that {@code code}. */
    boolean isProblem() {
      return contentType.startsWith("application/problem+json") && body != null
          && body.path("status").asInt() == status
          && body.path("type").asString().equals("urn:hotclone:problem:" + body.path("code").asString())
          && !body.path("code").asString().isEmpty();
    }
  }

  static Response send(String method, String path, String json, Map<String, String> headers) {
    return send(get().apiPort(), method, path, json, headers);
  }

  /** A request to the clone-api listening on {@code port} (any devstack, not only the shared one). */
  /**
   * A request to the clone-api listening on {@code port} (any devstack, not only the shared one),
   * a JSON body if {@code json} is given; with the port's default API key unless {@code headers}
   * carry {@code X-API-Key} or {@code Authorization}.
   */
  static Response send(int port, String method, String path, String json, Map<String, String> headers) {
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    if (!all.containsKey("X-API-Key") && !all.containsKey("Authorization") && DEFAULT_KEYS.containsKey(port)) {
      all.put("X-API-Key", DEFAULT_KEYS.get(port));
    }
    if (json != null) {
      all.putIfAbsent("Content-Type", "application/json");
    }
    return raw(port, method, path, json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8), all);
  }

  /** Exactly this request: no credentials, content type or body unless given. */
  static Response raw(int port, String method, String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode parsed;
      try {
        parsed = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
      } catch (RuntimeException notJson) {
        parsed = null;
      }
      return new Response(
          r.statusCode(),
          r.headers().firstValue("Content-Type").orElse(""),
          parsed,
          r.headers().firstValue("Location").orElse(null),
          r.headers().firstValue("Retry-After").orElse(null),
          r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Response get(String path) {
    return send("GET", path, null, Map.of());
  }

  static Response post(String path, String json) {
    return send("POST", path, json, Map.of());
  }

  /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  /**
   * Observes {@code observed} for {@code window} and fails at the first observation that is not
   * {@code expected}: for what must not happen, not only right now but a while later.
   */
  static <T> void stays(String what, Duration window, java.util.function.Supplier<T> observed, T expected) {
    Instant start = Instant.now();
    Instant end = start.plus(window);
    do {
      T now = observed.get();
      if (!expected.equals(now)) {
        throw new AssertionError(what + " changed after " + Duration.between(start, Instant.now()).toMillis()
            + " ms: expected " + expected + " but was " + now);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted watching " + what);
      }
    } while (Instant.now().isBefore(end));
  }

  /** Requests a clone and waits until it is COMPLETED or FAILED; returns the final operation view. */
  static JsonNode cloneAndWait(String body) {
    return cloneAndWait(get().apiPort(), body, Duration.ofSeconds(60));
  }

  /** {@link #cloneAndWait(String)} against the clone-api on {@code port}. */
  static JsonNode cloneAndWait(int port, String body, Duration timeout) {
    return awaitEnd(port, requestClone(port, body), timeout);
  }

  /** Requests a clone (202 expected) and returns its id without waiting. */
  static String requestClone(int port, String body) {
    Response r = send(port, "POST", "/api/v1/clones", body, Map.of());
    if (r.status() != 202) {
      throw new AssertionError("POST /api/v1/clones answered " + r.status() + ": " + r.body());
    }
    return r.body().path("id").asString();
  }

  /** Waits until clone {@code id} is COMPLETED or FAILED; returns the final operation view. */
  static JsonNode awaitEnd(int port, String id, Duration timeout) {
    JsonNode[] last = new JsonNode[1];
    await("clone " + id + " to end", timeout, () -> {
      last[0] = send(port, "GET", "/api/v1/clones/" + id, null, Map.of()).body();
      String phase = last[0].path("phase").asString();
      return "COMPLETED".equals(phase) || "FAILED".equals(phase);
    });
    return last[0];
  }

  /** The id of the running demo VM. */
  static String demoVmId() {
    return DevStack.ensureDemoVm(get().hypervisor()).id().value();
  }
}
