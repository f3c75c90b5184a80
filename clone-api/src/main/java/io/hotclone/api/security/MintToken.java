package io.hotclone.api.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Mints a development JWT signed with the key pair of a credentials directory (devstack:
 * {@code .devstack/credentials}, cluster: {@code .cluster/credentials}). From a shell:
 *
 * <pre>
 * java -cp clone-api/target/clone-api-0.1.0-SNAPSHOT-exec.jar \
 *   -Dloader.main=io.hotclone.api.security.MintToken org.springframework.boot.loader.launch.PropertiesLauncher \
 *   --dir=.devstack/credentials --tenant=tenant-a [--subject=alice] [--scopes="clones:read clones:write"] [--ttl-minutes=60]
 * </pre>
 *
 * prints the token. Default scopes: every tenant scope; default subject {@code dev@<tenant>}.
 */
public final class MintToken {

  private MintToken() {}

  /** A signed RS256 token with {@code iss}, {@code sub}, {@code tenant}, {@code scope}, {@code iat}, {@code exp}, {@code jti}. */
  public static String mint(DevKeyPair keys, String subject, String tenant, Iterable<String> scopes, Duration ttl) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(DevKeyPair.ISSUER)
        .subject(subject)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString())
        .claim("scope", String.join(" ", new TreeSet<>(toSet(scopes))));
    if (tenant != null) {
      claims.claim(JwtCallers.TENANT_CLAIM, tenant);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims.build());
    try {
      jwt.sign(new RSASSASigner(keys.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a development token", e);
    }
    return jwt.serialize();
  }

  private static java.util.Set<String> toSet(Iterable<String> scopes) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    scopes.forEach(out::add);
    return out;
  }

  public static void main(String[] args) {
    Map<String, String> a = Stream.of(args).filter(s -> s.startsWith("--") && s.contains("="))
        .collect(Collectors.toMap(s -> s.substring(2, s.indexOf('=')), s -> s.substring(s.indexOf('=') + 1)));
    String dir = a.get("dir");
    String tenant = a.get("tenant");
    if (dir == null || tenant == null) {
      System.err.println("usage: MintToken --dir=<credentials dir> --tenant=<tenant> [--subject=] [--scopes=] [--ttl-minutes=]");
      System.exit(2);
    }
    String scopes = a.getOrDefault("scopes", String.join(" ", new TreeSet<>(Scopes.TENANT)));
    System.out.println(mint(DevKeyPair.in(Path.of(dir)), a.getOrDefault("subject", "dev@" + tenant), tenant,
        ApiKeys.scopes(scopes), Duration.ofMinutes(Long.parseLong(a.getOrDefault("ttl-minutes", "60")))));
  }
}
