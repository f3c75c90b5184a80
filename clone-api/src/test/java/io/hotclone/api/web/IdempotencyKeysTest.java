package io.hotclone.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

  private final IdempotencyKeys keys = new IdempotencyKeys();

  @Test
  void a_key_in_flight_is_409_for_the_same_tenant_and_free_again_once_the_first_request_ends() {
    try (IdempotencyKeys.Claim first = keys.claim("t1", "k")) {
      assertThatThrownBy(() -> keys.claim("t1", "k"))
          .isInstanceOfSatisfying(ApiProblem.class, e -> {
            assertThat(e.status().value()).isEqualTo(409);
            assertThat(e.code()).isEqualTo("idempotency-key-in-flight");
          });
      keys.claim("t2", "k").close(); // another tenant's key of the same text is another key
    }
    keys.claim("t1", "k").close();
  }

  @Test
  void a_body_without_placement_or_partial_keeps_the_fingerprint_of_the_fields_it_had_before() throws Exception {
    java.util.Map<String, Object> before = new java.util.LinkedHashMap<>();
    before.put("sourceVm", "vm-1");
    before.put("targetHost", "host-b");
    before.put("count", 2);
    before.put("name", null);
    before.put("names", null);
    before.put("leaseMillis", null);
    before.put("identityPolicy", null);
    before.put("labels", null);
    // the body's members in the record's order, as the fingerprint's JSON writes them
    byte[] json = tools.jackson.databind.json.JsonMapper.builder().build()
        .writeValueAsString(before).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(json));

    assertThat(IdempotencyKeys.fingerprint(new CloneRequestBody("vm-1", "host-b", 2, null, null, null))).isEqualTo(expected);
    assertThat(IdempotencyKeys.fingerprint(
        new CloneRequestBody("vm-1", null, 2, null, null, null, null, null, "pack", true))).isNotEqualTo(expected);
  }

  @Test
  void the_fingerprint_is_that_of_the_parsed_body() {
    String a = IdempotencyKeys.fingerprint(new CloneRequestBody("vm-1", "host-b", 2, null, null, null));
    assertThat(IdempotencyKeys.fingerprint(new CloneRequestBody("vm-1", "host-b", 2, null, null, null))).isEqualTo(a);
    assertThat(IdempotencyKeys.fingerprint(new CloneRequestBody("vm-1", "host-b", 3, null, null, null))).isNotEqualTo(a);
    assertThat(IdempotencyKeys.fingerprint(new CloneRequestBody("vm-1", "host-b", 2, null, List.of("a", "b"), null)))
        .isNotEqualTo(a);
  }

  @Test
  void a_key_must_be_1_to_255_visible_ascii_characters() {
    assertThat(IdempotencyKeys.validate(null)).isNull();
    assertThat(IdempotencyKeys.validate("k-1")).isEqualTo("k-1");
    for (String bad : List.of("", "x".repeat(256), "a b", "ключ")) {
      assertThatThrownBy(() -> IdempotencyKeys.validate(bad))
          .isInstanceOfSatisfying(ApiProblem.class, e -> assertThat(e.code()).isEqualTo("invalid-idempotency-key"));
    }
  }
}
