package io.hotclone.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/** The production configuration path: a public key file and an issuer; and the claims → caller mapping. */
class JwtValidationTest {

  @TempDir Path dir;

  private JwtDecoder decoder(String issuer, Path publicKey) {
    SecurityProperties p = new SecurityProperties(
        new SecurityProperties.Jwt(issuer, null, "file:" + publicKey), null, List.of(), "default", Map.of());
    return SecurityConfiguration.decoder(p).orElseThrow();
  }

  @Test
  void a_token_signed_by_the_configured_key_with_the_configured_issuer_is_accepted_and_maps_to_its_caller() {
    DevKeyPair keys = DevKeyPair.in(dir);
    String token = MintToken.mint(keys, "alice", "tenant-a", List.of("clones:read", "clones:write"), Duration.ofMinutes(5));
    Jwt jwt = decoder(DevKeyPair.ISSUER, dir.resolve(DevKeyPair.PUBLIC)).decode(token);
    Caller caller = ((CallerAuthentication) new JwtCallers().convert(jwt)).getPrincipal();
    assertThat(caller).isEqualTo(new Caller("alice", "tenant-a", null, java.util.Set.of("clones:read", "clones:write")));
  }

  @Test
  void another_issuer_or_another_key_is_refused() throws Exception {
    DevKeyPair keys = DevKeyPair.in(dir);
    String token = MintToken.mint(keys, "alice", "tenant-a", List.of("clones:read"), Duration.ofMinutes(5));
    assertThatThrownBy(() -> decoder("https://idp.example", dir.resolve(DevKeyPair.PUBLIC)).decode(token))
        .isInstanceOf(JwtException.class);
    Path other = Files.createDirectories(dir.resolve("other"));
    DevKeyPair.in(other);
    assertThatThrownBy(() -> decoder(DevKeyPair.ISSUER, other.resolve(DevKeyPair.PUBLIC)).decode(token))
        .isInstanceOf(JwtException.class);
    String expired = MintToken.mint(keys, "alice", "tenant-a", List.of("clones:read"), Duration.ofMinutes(-5));
    assertThatThrownBy(() -> decoder(DevKeyPair.ISSUER, dir.resolve(DevKeyPair.PUBLIC)).decode(expired))
        .isInstanceOf(JwtException.class);
  }

  @Test
  void a_token_without_tenant_is_refused_unless_it_is_an_admin_s() {
    DevKeyPair keys = DevKeyPair.in(dir);
    JwtDecoder decoder = decoder(DevKeyPair.ISSUER, dir.resolve(DevKeyPair.PUBLIC));
    Jwt noTenant = decoder.decode(MintToken.mint(keys, "bob", null, List.of("clones:read"), Duration.ofMinutes(5)));
    assertThatThrownBy(() -> new JwtCallers().convert(noTenant)).isInstanceOf(InvalidBearerTokenException.class);
    Jwt admin = decoder.decode(MintToken.mint(keys, "ops", null, List.of("hotclone:admin", "keys:write"), Duration.ofMinutes(5)));
    Caller caller = ((CallerAuthentication) new JwtCallers().convert(admin)).getPrincipal();
    assertThat(caller.admin()).isTrue();
    assertThat(caller.tenantFilter()).isNull();
  }

  @Test
  void without_any_jwt_setting_no_decoder_is_made() {
    assertThat(SecurityConfiguration.decoder(new SecurityProperties(
        new SecurityProperties.Jwt(null, null, null), null, List.of(), "default", Map.of()))).isEmpty();
  }
}
