package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.as;
import static io.hotclone.devstack.TestStack.key;
import static io.hotclone.devstack.TestStack.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Tenants see, clone and delete only their own VMs and operations; another tenant's is 404 as if it
 * did not exist. Scopes and revocation of API keys; hosts restricted per tenant.
 */
class TenantIsolationIT {

  /** A small running VM of {@code tenant}'s, made through the API with its key. */
  static String vmOf(String apiKey, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    TestStack.Response r = send("POST", "/api/v1/vms",
        "{\"name\":\"" + name + "\",\"host\":\"host-a\",\"memoryMiB\":4,\"diskMiB\":16}", as(apiKey));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.body().path("id").asString();
  }

  @Test
  void tenantACannotSeeCloneDeleteOrFollowTenantBsVm() throws Exception {
    String a = key("tenant-a");
    String b = key("tenant-b");
    String vmB = vmOf(b, "iso-b");
    String nameB = send("GET", "/api/v1/vms/" + vmB, null, as(b)).body().path("name").asString();
    assertThat(send("GET", "/api/v1/vms/" + vmB, null, as(b)).body().path("tenant").asString()).isEqualTo("tenant-b");

    // tenant B clones its VM; the operation and the clone are tenant B's
    TestStack.Response accepted = send("POST", "/api/v1/clones",
        "{\"sourceVm\":\"" + vmB + "\",\"targetHost\":\"host-b\",\"count\":1}", as(b));
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
    String op = accepted.body().path("id").asString();
    assertThat(accepted.body().path("tenant").asString()).isEqualTo("tenant-b");

    // tenant A: every way to its VM and its operation is 404, by id and by name
    for (String ref : new String[] {vmB, nameB}) {
      assertNotFound(send("GET", "/api/v1/vms/" + ref, null, as(a)), "vm-not-found");
      assertNotFound(send("GET", "/api/v1/vms/" + ref + "/lineage", null, as(a)), "vm-not-found");
      assertNotFound(send("POST", "/api/v1/clones",
          "{\"sourceVm\":\"" + ref + "\",\"targetHost\":\"host-b\",\"count\":1}", as(a)), "vm-not-found");
    }
    assertNotFound(send("GET", "/api/v1/clones/" + op, null, as(a)), "clone-not-found");
    assertNotFound(send("GET", "/api/v1/clones/" + op + "/events", null,
        Map.of("X-API-Key", a, "Accept", "text/event-stream")), "clone-not-found");
    assertThat(send("GET", "/api/v1/vms", null, as(a)).text()).doesNotContain(vmB);
    assertThat(send("GET", "/api/v1/clones?sourceVm=" + vmB, null, as(a)).body().size()).isZero();
    assertThat(send("GET", "/api/v1/clones", null, as(a)).text()).doesNotContain(op);

    JsonNode end = awaitEndAs(b, op);
    assertThat(end.path("phase").asString()).as(end.toString()).isEqualTo("COMPLETED");
    String cloneVm = end.path("clones").get(0).path("vmId").asString();

    // the clone inherits tenant B; its lineage is B's and A does not see it
    assertThat(send("GET", "/api/v1/vms/" + cloneVm, null, as(b)).body().path("tenant").asString()).isEqualTo("tenant-b");
    JsonNode lineage = send("GET", "/api/v1/vms/" + cloneVm + "/lineage", null, as(b)).body();
    assertThat(lineage.path("ancestors").get(0).path("id").asString()).isEqualTo(vmB);
    assertNotFound(send("GET", "/api/v1/vms/" + cloneVm + "/lineage", null, as(a)), "vm-not-found");

    // A cannot delete B's VMs; B can
    assertNotFound(send("DELETE", "/api/v1/vms/" + cloneVm, null, as(a)), "vm-not-found");
    assertThat(TestStack.hypervisor().findVm(new io.hotclone.hypervisor.VmId(cloneVm))).isPresent();
    assertThat(send("DELETE", "/api/v1/vms/" + cloneVm, null, as(b)).status()).isEqualTo(204);

    // an admin sees every tenant
    String admin = key("admin");
    assertThat(send("GET", "/api/v1/vms/" + vmB, null, as(admin)).status()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/clones/" + op, null, as(admin)).status()).isEqualTo(200);
    assertThat(send("DELETE", "/api/v1/vms/" + vmB, null, as(b)).status()).isEqualTo(204);
  }

  @Test
  void aKeyWithoutClonesWriteCannotCloneAndARevokedKeyStopsWorking() {
    String a = key("tenant-a");
    TestStack.Response made = send("POST", "/api/v1/api-keys",
        "{\"scopes\":[\"clones:read\",\"vms:read\"],\"subject\":\"autoscaler\"}", as(a));
    assertThat(made.status()).as(made.text()).isEqualTo(201);
    String readOnly = made.body().path("key").asString();
    String id = made.body().path("id").asString();
    assertThat(made.body().path("tenant").asString()).isEqualTo("tenant-a");

    String source = TestStack.demoVmId();
    TestStack.Response denied = send("POST", "/api/v1/clones",
        "{\"sourceVm\":\"" + source + "\",\"targetHost\":\"host-b\",\"count\":1}", as(readOnly));
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.isProblem()).as(denied.text()).isTrue();
    assertThat(denied.body().path("code").asString()).isEqualTo("insufficient-scope");
    assertThat(send("GET", "/api/v1/vms/" + source, null, as(readOnly)).status()).isEqualTo(200);
    // it may not grant itself more, nor make keys at all
    assertThat(send("POST", "/api/v1/api-keys", "{\"scopes\":[\"clones:write\"]}", as(readOnly)).status())
        .isEqualTo(403);
    assertThat(send("POST", "/api/v1/api-keys", "{\"scopes\":[\"hotclone:admin\"]}", as(a)).status()).isEqualTo(422);

    // tenant B cannot revoke tenant A's key
    assertNotFound(send("DELETE", "/api/v1/api-keys/" + id, null, as(key("tenant-b"))), "api-key-not-found");
    assertThat(send("GET", "/api/v1/vms/" + source, null, as(readOnly)).status()).isEqualTo(200);
    assertThat(send("DELETE", "/api/v1/api-keys/" + id, null, as(a)).status()).isEqualTo(204);
    TestStack.Response revoked = send("GET", "/api/v1/vms/" + source, null, as(readOnly));
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.isProblem()).as(revoked.text()).isTrue();
    assertThat(revoked.body().path("code").asString()).isEqualTo("invalid-api-key");
  }

  @Test
  void aTenantRestrictedToOneHostNeitherSeesNorUsesTheOther() {
    TestStack.Response made = send("POST", "/api/v1/api-keys",
        "{\"scopes\":[\"clones:read\",\"clones:write\",\"vms:read\",\"vms:write\"],\"tenant\":\"tenant-c\"}",
        as(key("admin")));
    assertThat(made.status()).as(made.text()).isEqualTo(201);
    String c = made.body().path("key").asString();
    JsonNode hosts = send("GET", "/api/v1/hosts", null, as(c)).body();
    assertThat(hosts.size()).isEqualTo(1);
    assertThat(hosts.get(0).path("name").asString()).isEqualTo("host-a");
    assertNotFound(send("POST", "/api/v1/vms",
        "{\"name\":\"c-on-b\",\"host\":\"host-b\",\"memoryMiB\":4,\"diskMiB\":16}", as(c)), "host-not-found");
    String vmC = vmOf(c, "iso-c");
    assertNotFound(send("POST", "/api/v1/clones",
        "{\"sourceVm\":\"" + vmC + "\",\"targetHost\":\"host-b\",\"count\":1}", as(c)), "host-not-found");
    assertThat(send("DELETE", "/api/v1/vms/" + vmC, null, as(c)).status()).isEqualTo(204);
  }

  private static JsonNode awaitEndAs(String apiKey, String op) {
    JsonNode[] last = new JsonNode[1];
    TestStack.await("clone " + op + " to end", Duration.ofSeconds(60), () -> {
      last[0] = send("GET", "/api/v1/clones/" + op, null, as(apiKey)).body();
      String phase = last[0].path("phase").asString();
      return "COMPLETED".equals(phase) || "FAILED".equals(phase);
    });
    return last[0];
  }

  private static void assertNotFound(TestStack.Response r, String code) {
    assertThat(r.status()).as(r.text()).isEqualTo(404);
    assertThat(r.isProblem()).as(r.text()).isTrue();
    assertThat(r.body().path("code").asString()).isEqualTo(code);
  }
}
