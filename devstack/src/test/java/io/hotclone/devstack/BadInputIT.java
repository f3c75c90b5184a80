package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.get;
import static io.hotclone.devstack.TestStack.key;
import static io.hotclone.devstack.TestStack.schema;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.HostName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A corpus of bad requests, as an authenticated tenant: malformed JSON, wrong types and coercions,
 * oversized bodies and names, injection strings, unknown fields, wrong methods and media types,
 * huge counts, Unicode, empty values. Every one is a 4xx RFC 9457 problem detail with the expected
 * status and code, none a 5xx; the API keeps answering; nothing is created.
 */
class BadInputIT {

  private static final String JSON = "application/json";

  record Case(String method, String path, String contentType, String body, Map<String, String> headers, int status,
      String code) {}

  private static final List<Case> CORPUS = new ArrayList<>();

  private static void bad(String method, String path, String contentType, String body, int status, String code) {
    CORPUS.add(new Case(method, path, contentType, body, Map.of(), status, code));
  }

  private static void clone(String body, int status, String code) {
    bad("POST", "/api/v1/clones", JSON, body, status, code);
  }

  private static void vm(String body, int status, String code) {
    bad("POST", "/api/v1/vms", JSON, body, status, code);
  }

  private static String withSource(String rest) {
    return "{\"sourceVm\":\"demo-1\",\"targetHost\":\"host-b\"" + rest + "}";
  }

  static {
    // malformed or missing JSON
    clone("{\"sourceVm\": ", 400, "malformed-json");
    clone("{", 400, "malformed-json");
    clone("not json at all", 400, "malformed-json");
    clone("{'sourceVm':'demo-1'}", 400, "malformed-json");
    clone("", 400, "missing-body");
    clone("null", 400, "missing-body");
    bad("POST", "/api/v1/clones", JSON, null, 400, "missing-body");
    clone("[]", 400, "wrong-type");
    clone("\"demo-1\"", 400, "wrong-type");
    clone(withSource("") + " {}", 400, "malformed-json"); // trailing content
    clone("{\"sourceVm\":\"demo-1\",\"sourceVm\":\"demo-2\",\"targetHost\":\"host-b\"}", 400, "malformed-json");
    // wrong types and coercions
    clone(withSource(",\"count\":1.5"), 400, "wrong-type");
    clone(withSource(",\"count\":\"3\""), 400, "wrong-type");
    clone(withSource(",\"count\":true"), 400, "wrong-type");
    clone(withSource(",\"count\":1e3"), 400, "wrong-type");
    clone(withSource(",\"count\":[1]"), 400, "wrong-type");
    clone(withSource(",\"count\":2147483648"), 400, "number-out-of-range");
    clone(withSource(",\"count\":99999999999999999999999"), 400, "number-out-of-range");
    clone("{\"sourceVm\":5,\"targetHost\":\"host-b\"}", 400, "wrong-type");
    clone("{\"sourceVm\":[\"demo-1\"],\"targetHost\":\"host-b\"}", 400, "wrong-type");
    clone("{\"sourceVm\":{\"id\":\"demo-1\"},\"targetHost\":\"host-b\"}", 400, "wrong-type");
    clone(withSource(",\"names\":\"web\""), 400, "wrong-type");
    clone(withSource(",\"leaseMillis\":\"30000\""), 400, "wrong-type");
    clone(withSource(",\"name\":false"), 400, "wrong-type");
    // unknown fields
    clone(withSource(",\"colour\":\"blue\""), 400, "unknown-field");
    clone(withSource(",\"Count\":1"), 400, "unknown-field");
    // counts out of the documented range
    clone(withSource(",\"count\":0"), 422, "out-of-range");
    clone(withSource(",\"count\":-1"), 422, "out-of-range");
    clone(withSource(",\"count\":65"), 422, "out-of-range");
    clone(withSource(",\"count\":2147483647"), 422, "out-of-range");
    clone(withSource(",\"leaseMillis\":0"), 422, "out-of-range");
    // names: DNS labels only
    clone(withSource(",\"name\":\"x'; drop table vm;--\""), 422, "not-a-dns-label");
    clone(withSource(",\"name\":\"" + "x".repeat(10_000) + "\""), 422, "too-long");
    clone(withSource(",\"name\":\"" + "a".repeat(64) + "\""), 422, "too-long");
    clone(withSource(",\"name\":\"Web\""), 422, "not-a-dns-label");
    clone(withSource(",\"name\":\"w\u00e9b\""), 422, "not-a-dns-label");
    clone(withSource(",\"name\":\"\\ud83d\\udca5\""), 422, "not-a-dns-label");
    clone(withSource(",\"name\":\"web\\u0000\""), 422, "not-a-dns-label");
    clone(withSource(",\"name\":\"\""), 422, "required");
    clone(withSource(",\"name\":\" web\""), 422, "not-a-dns-label");
    clone(withSource(",\"count\":2,\"names\":[\"a\",\"a\"]"), 422, "duplicate");
    clone(withSource(",\"count\":2,\"names\":[\"a\",\"<script>\"]"), 422, "not-a-dns-label");
    clone("{\"sourceVm\":\"../../etc/passwd\",\"targetHost\":\"host-b\"}", 422, "not-a-dns-label");
    clone("{\"sourceVm\":\"\",\"targetHost\":\"host-b\"}", 422, "required");
    clone("{\"targetHost\":\"host-b\"}", 422, "required");
    clone("{\"sourceVm\":\"demo-1\",\"targetHost\":\"HOST-B\"}", 422, "not-a-dns-label");
    // unknown things
    clone("{\"sourceVm\":\"demo-1\",\"targetHost\":\"host-z\"}", 404, "host-not-found");
    clone("{\"sourceVm\":\"no-such-vm\",\"targetHost\":\"host-b\"}", 404, "vm-not-found");
    // sizes
    bad("POST", "/api/v1/clones", JSON, withSource(",\"names\":[\"" + "a".repeat(20_000) + "\"]"), 413,
        "payload-too-large");
    bad("POST", "/api/v1/clones", JSON, "{\"pad\":\"" + "a".repeat(1 << 20) + "\"}", 413, "payload-too-large");
    // media types, methods, paths
    bad("POST", "/api/v1/clones", "text/plain", withSource(""), 415, "unsupported-media-type");
    bad("POST", "/api/v1/clones", "application/xml", "<clone><sourceVm>demo-1</sourceVm></clone>", 415,
        "unsupported-media-type");
    bad("POST", "/api/v1/clones", "application/x-www-form-urlencoded", "sourceVm=demo-1", 415,
        "unsupported-media-type");
    bad("PUT", "/api/v1/clones", JSON, withSource(""), 405, "method-not-allowed");
    bad("DELETE", "/api/v1/clones", null, null, 405, "method-not-allowed");
    bad("PATCH", "/api/v1/vms/demo-1", JSON, "{}", 405, "method-not-allowed");
    CORPUS.add(new Case("GET", "/api/v1/clones", null, null, Map.of("Accept", "application/xml"), 406, "not-acceptable"));
    bad("GET", "/api/v1/no-such-thing", null, null, 404, "not-found");
    bad("GET", "/api/v1/clones/not-a-uuid", null, null, 404, "clone-not-found");
    bad("GET", "/api/v1/clones?phase=SLEEPING", null, null, 400, "unknown-phase");
    bad("GET", "/api/v1/clones?sourceVm=x%27%3B%20drop%20table%20vm%3B--", null, null, 422, "not-a-dns-label");
    bad("GET", "/api/v1/vms?host=host-z", null, null, 404, "host-not-found");
    bad("GET", "/api/v1/vms/" + "v".repeat(2000), null, null, 404, "vm-not-found");
    bad("GET", "/api/v1/vms/%E2%98%83", null, null, 404, "vm-not-found");
    CORPUS.add(new Case("POST", "/api/v1/clones", JSON, withSource(""), Map.of("Idempotency-Key", "k".repeat(300)),
        400, "invalid-idempotency-key"));
    // refused by Tomcat before Spring sees the request: a header larger than the server accepts
    CORPUS.add(new Case("GET", "/api/v1/vms", null, null, Map.of("X-Padding", "p".repeat(64 * 1024)), 400, "bad-request"));
    // VM creation
    vm("{\"name\":\"x'; drop table vm;--\",\"host\":\"host-a\",\"memoryMiB\":4,\"diskMiB\":16}", 422, "not-a-dns-label");
    vm("{\"name\":\"ok-name\",\"host\":\"host-a\",\"memoryMiB\":1.5,\"diskMiB\":16}", 400, "wrong-type");
    vm("{\"name\":\"ok-name\",\"host\":\"host-a\",\"memoryMiB\":0,\"diskMiB\":16}", 422, "out-of-range");
    vm("{\"name\":\"ok-name\",\"host\":\"host-a\",\"memoryMiB\":4,\"diskMiB\":1e30}", 400, "wrong-type");
    vm("{\"name\":\"ok-name\",\"host\":\"host-z\",\"memoryMiB\":4,\"diskMiB\":16}", 404, "host-not-found");
    vm("{\"name\":\"ok-name\",\"host\":\"h\u00f6st\",\"memoryMiB\":4,\"diskMiB\":16}", 422, "not-a-dns-label");
    vm("{\"name\":\"ok-name\",\"host\":\"host-a\",\"memoryMiB\":4}", 422, "required");
    vm("{\"name\":\"ok-name\",\"host\":\"host-a\",\"memoryMiB\":4,\"diskMiB\":16,\"cpus\":2}", 400, "unknown-field");
    // API keys
    bad("POST", "/api/v1/api-keys", JSON, "{\"scopes\":[\"root\"]}", 422, "unknown-scope");
    bad("POST", "/api/v1/api-keys", JSON, "{\"scopes\":\"clones:read\"}", 400, "wrong-type");
  }

  @Test
  void everyBadRequestIsA4xxProblemDetailAndNothingIsCreated() {
    int port = get().apiPort();
    String apiKey = key("tenant-a");
    TestStack.demoVmId();
    int ops = count("SELECT count(*) FROM clone_operations");
    int vmRows = count("SELECT count(*) FROM vms");
    int keys = count("SELECT count(*) FROM api_keys");
    int live = TestStack.hypervisor().vms(new HostName("host-a")).size() + TestStack.hypervisor().vms(new HostName("host-b")).size();

    assertThat(CORPUS).hasSizeGreaterThanOrEqualTo(40);
    List<String> wrong = new ArrayList<>();
    int fiveHundreds = 0;
    for (Case c : CORPUS) {
      Map<String, String> headers = new LinkedHashMap<>(c.headers());
      headers.put("X-API-Key", apiKey);
      if (c.contentType() != null) {
        headers.put("Content-Type", c.contentType());
      }
      TestStack.Response r = TestStack.raw(port, c.method(), c.path(), c.body() == null ? null
          : c.body().getBytes(StandardCharsets.UTF_8), headers);
      if (r.status() >= 500) {
        fiveHundreds++;
      }
      String code = r.body() == null ? null : r.body().path("code").asString();
      if (r.status() != c.status() || !r.isProblem() || !c.code().equals(code)) {
        wrong.add(c.method() + " " + abbreviate(c.path()) + " " + abbreviate(c.body()) + " -> " + r.status() + " "
            + abbreviate(r.text()) + " (expected " + c.status() + " " + c.code() + ")");
      }
    }
    System.out.printf("bad-input corpus: %d requests, %d answered as expected, %d 5xx%n", CORPUS.size(),
        CORPUS.size() - wrong.size(), fiveHundreds);
    assertThat(fiveHundreds).as("5xx answers").isZero();
    assertThat(wrong).as("answers other than the expected 4xx problem detail").isEmpty();

    // still answering, nothing created
    assertThat(TestStack.send("GET", "/api/v1/vms", null, Map.of()).status()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM clone_operations")).isEqualTo(ops);
    assertThat(count("SELECT count(*) FROM vms")).isEqualTo(vmRows);
    assertThat(count("SELECT count(*) FROM api_keys")).isEqualTo(keys);
    assertThat(TestStack.hypervisor().vms(new HostName("host-a")).size()
        + TestStack.hypervisor().vms(new HostName("host-b")).size()).isEqualTo(live);
  }

  private static int count(String sql) {
    return schema("api").queryForObject(sql, Integer.class);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "(none)";
    }
    return s.length() > 120 ? s.substring(0, 120) + "…(" + s.length() + ")" : s;
  }
}
