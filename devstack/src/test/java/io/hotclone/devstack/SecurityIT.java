package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.as;
import static io.hotclone.devstack.TestStack.demoVmId;
import static io.hotclone.devstack.TestStack.get;
import static io.hotclone.devstack.TestStack.key;
import static io.hotclone.devstack.TestStack.raw;
import static io.hotclone.devstack.TestStack.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.api.security.DevKeyPair;
import io.hotclone.api.security.MintToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Authentication: API keys and JWTs, 401/403 as problem details, health open, nothing else. */
class SecurityIT {

  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

  /** Every operation of the OpenAPI document (springdoc's, read with a key), with path variables filled in. */
  private static List<String[]> documentedOperations() {
    TestStack.Response doc = send("GET", "/v3/api-docs", null, Map.of());
    assertThat(doc.status()).isEqualTo(200);
    List<String[]> ops = new ArrayList<>();
    for (var path : doc.body().path("paths").properties()) {
      for (var op : path.getValue().properties()) {
        if (METHODS.contains(op.getKey())) {
          String concrete = path.getKey().replaceAll("\\{[^}]+}", "00000000-0000-0000-0000-000000000000");
          ops.add(new String[] {op.getKey().toUpperCase(java.util.Locale.ROOT), concrete, path.getKey()});
        }
      }
    }
    return ops;
  }

  @Test
  void withoutCredentialsEveryDocumentedOperationIs401AProblemDetailAndHealthIsOpen() {
    List<String[]> ops = documentedOperations();
    assertThat(ops).as("operations in the OpenAPI document").hasSizeGreaterThanOrEqualTo(11);
    List<String> walked = new ArrayList<>();
    for (String[] op : ops) {
      byte[] body = "POST".equals(op[0]) ? "{}".getBytes(StandardCharsets.UTF_8) : null;
      Map<String, String> headers = body == null ? Map.of() : Map.of("Content-Type", "application/json");
      TestStack.Response r = raw(get().apiPort(), op[0], op[1], body, headers);
      assertThat(r.status()).as("%s %s", op[0], op[2]).isEqualTo(401);
      assertThat(r.isProblem()).as("%s %s: %s", op[0], op[2], r.text()).isTrue();
      assertThat(r.body().path("code").asString()).isEqualTo("unauthenticated");
      walked.add(op[0] + " " + op[2]);
    }
    assertThat(walked).contains("POST /api/v1/clones", "GET /api/v1/vms", "DELETE /api/v1/vms/{id}",
        "GET /api/v1/clones/{id}/events", "POST /api/v1/api-keys");
    // what the document does not list is closed too
    for (String path : List.of("/actuator/metrics", "/actuator/info", "/no/such/path", "/error")) {
      TestStack.Response r = raw(get().apiPort(), "GET", path, null, Map.of());
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.isProblem()).as(path + ": " + r.text()).isTrue();
    }
    TestStack.Response health = raw(get().apiPort(), "GET", "/actuator/health", null, Map.of());
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("status").asString()).isEqualTo("UP");
  }

  @Test
  void aWrongOrMalformedKeyIs401() {
    String good = key("tenant-a");
    for (String bad : List.of(good.substring(0, good.length() - 2) + "xx", "hc_nope_nope", "garbage", "")) {
      TestStack.Response r = send("GET", "/api/v1/vms", null, as(bad));
      assertThat(r.status()).as(bad).isEqualTo(401);
      assertThat(r.isProblem()).as(r.text()).isTrue();
    }
  }

  @Test
  void aDevelopmentTokenAuthenticatesAsItsTenantAndAForgedOneDoesNot() {
    String tokenB = get().credentials().get("HOTCLONE_TOKEN_TENANT_B");
    TestStack.Response vms = send("GET", "/api/v1/vms", null, Map.of("Authorization", "Bearer " + tokenB));
    assertThat(vms.status()).isEqualTo(200);
    for (JsonNode vm : vms.body()) {
      assertThat(vm.path("tenant").asString()).isEqualTo("tenant-b");
    }
    assertThat(vms.text()).doesNotContain(demoVmId());
    String tokenA = get().credentials().get("HOTCLONE_TOKEN_TENANT_A");
    TestStack.Response a = send("GET", "/api/v1/vms/" + demoVmId(), null, Map.of("Authorization", "Bearer " + tokenA));
    assertThat(a.status()).isEqualTo(200);
    // a token whose signature does not match
    String forged = tokenA.substring(0, tokenA.lastIndexOf('.') + 1)
        + new StringBuilder(tokenA.substring(tokenA.lastIndexOf('.') + 1)).reverse();
    TestStack.Response f = send("GET", "/api/v1/vms", null, Map.of("Authorization", "Bearer " + forged));
    assertThat(f.status()).isEqualTo(401);
    assertThat(f.isProblem()).as(f.text()).isTrue();
  }

  @Test
  void aTokenWithoutTenantIs401AndOneWithoutTheScopeIs403() {
    DevKeyPair keys = DevKeyPair.in(get().credentialsFile().getParent());
    String noTenant = MintToken.mint(keys, "mallory", null, List.of("clones:read", "vms:read"), Duration.ofMinutes(5));
    TestStack.Response r = send("GET", "/api/v1/vms", null, Map.of("Authorization", "Bearer " + noTenant));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.isProblem()).as(r.text()).isTrue();

    String readOnly = MintToken.mint(keys, "reader", "tenant-a", List.of("clones:read", "vms:read"), Duration.ofMinutes(5));
    TestStack.Response clone = send("POST", "/api/v1/clones",
        "{\"sourceVm\":\"" + demoVmId() + "\",\"targetHost\":\"host-b\"}", Map.of("Authorization", "Bearer " + readOnly));
    assertThat(clone.status()).isEqualTo(403);
    assertThat(clone.isProblem()).as(clone.text()).isTrue();
    assertThat(clone.body().path("code").asString()).isEqualTo("insufficient-scope");
    assertThat(send("GET", "/api/v1/vms/" + demoVmId(), null, Map.of("Authorization", "Bearer " + readOnly)).status())
        .isEqualTo(200);
  }
}
