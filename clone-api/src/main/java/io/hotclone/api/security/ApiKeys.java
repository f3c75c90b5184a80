package io.hotclone.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * API keys (table {@code api_keys}). A key is {@code hc_<id>_<secret>}: the id finds the row, the
 * secret is checked against its SHA-256 (a 256-bit random secret needs no slow hash), compared in
 * constant time. Only the hash is stored; the key itself is shown once, when it is made. A revoked
 * key authenticates nobody.
 */
@Repository
public class ApiKeys {

  public static final String PREFIX = "hc_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcTemplate jdbc;
  private final Clock clock;

  public ApiKeys(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** A key just made: {@code key} is the only copy of the secret there will ever be. */
  public record Issued(String id, String key, String tenant, String subject, Set<String> scopes) {}

  /** Makes a key of {@code tenant} with these scopes; {@code subject} names its holder in audits. */
  public Issued create(String tenant, String subject, Set<String> scopes) {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String keyId = HexFormat.of().formatHex(id);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    insert(keyId, secretText, tenant, subject == null ? "apikey:" + keyId : subject, scopes);
    return new Issued(keyId, PREFIX + keyId + "_" + secretText, tenant, subject, Set.copyOf(scopes));
  }

  /**
   * Makes sure the key {@code key} (as {@link #create} formats it) exists, unrevoked or not: the
   * development credentials written to a file are registered again after a restart.
   */
  public void ensure(String key, String tenant, String subject, Set<String> scopes) {
    Parsed p = parse(key).orElseThrow(() -> new IllegalArgumentException("not an API key"));
    Integer n = jdbc.queryForObject("SELECT count(*) FROM api_keys WHERE id = ?", Integer.class, p.id());
    if (n == null || n == 0) {
      insert(p.id(), p.secret(), tenant, subject, scopes);
    }
  }

  /** What {@link #register} found. */
  public enum Registered { ADDED, PRESENT, REVOKED }

  /**
   * Registers a key made outside the API (the bootstrap admin key): added if its id is new; left as
   * it is if a key with that id and secret exists, revoked or not (a revoked key stays revoked).
   *
   * @throws IllegalStateException if a key with that id exists with another secret
   */
  public Registered register(String key, String tenant, String subject, Set<String> scopes) {
    Parsed p = parse(key).orElseThrow(() -> new IllegalArgumentException("not an API key"));
    Integer n = jdbc.queryForObject("SELECT count(*) FROM api_keys WHERE id = ?", Integer.class, p.id());
    boolean added = n == null || n == 0;
    if (added) {
      insert(p.id(), p.secret(), tenant, subject, scopes);
    }
    List<Row> rows = jdbc.query(
        "SELECT tenant, subject, scopes, secret_hash, revoked_at FROM api_keys WHERE id = ?",
        (rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5) != null),
        p.id());
    if (rows.isEmpty()
        || !MessageDigest.isEqual(rows.get(0).secretHash().getBytes(StandardCharsets.US_ASCII),
            hash(p.secret()).getBytes(StandardCharsets.US_ASCII))) {
      throw new IllegalStateException("an API key with id " + p.id() + " exists already with another secret");
    }
    if (rows.get(0).revoked()) {
      return Registered.REVOKED;
    }
    return added ? Registered.ADDED : Registered.PRESENT;
  }

  /** Revokes key {@code id} of {@code tenant} ({@code null}: of any tenant); false if no such key. */
  public boolean revoke(String id, String tenant) {
    return jdbc.update(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND (? IS NULL OR tenant = ?)",
            Timestamp.from(clock.instant()), id, tenant, tenant)
        > 0;
  }

  /** The caller a presented key stands for; empty when malformed, unknown, wrong or revoked. */
  public Optional<Caller> authenticate(String presented) {
    Optional<Parsed> parsed = parse(presented);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    List<Row> rows =
        jdbc.query(
            "SELECT tenant, subject, scopes, secret_hash, revoked_at FROM api_keys WHERE id = ?",
            (rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getTimestamp(5) != null),
            parsed.get().id());
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Row row = rows.get(0);
    byte[] expected = row.secretHash().getBytes(StandardCharsets.US_ASCII);
    byte[] actual = hash(parsed.get().secret()).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, actual) || row.revoked()) {
      return Optional.empty();
    }
    return Optional.of(new Caller(row.subject(), row.tenant(), parsed.get().id(), scopes(row.scopes())));
  }

  private record Row(String tenant, String subject, String scopes, String secretHash, boolean revoked) {}

  private record Parsed(String id, String secret) {}

  private void insert(String id, String secret, String tenant, String subject, Set<String> scopes) {
    jdbc.update(
        "INSERT INTO api_keys (id, tenant, subject, scopes, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (id) DO NOTHING",
        id, tenant, subject, String.join(" ", new TreeSet<>(scopes)), hash(secret), Timestamp.from(clock.instant()));
  }

  private static Optional<Parsed> parse(String key) {
    if (key == null || !key.startsWith(PREFIX) || key.length() > 200) {
      return Optional.empty();
    }
    int sep = key.indexOf('_', PREFIX.length());
    if (sep < 0 || sep == PREFIX.length() || sep == key.length() - 1) {
      return Optional.empty();
    }
    String id = key.substring(PREFIX.length(), sep);
    if (!id.matches("[0-9a-f]{1,32}")) {
      return Optional.empty();
    }
    return Optional.of(new Parsed(id, key.substring(sep + 1)));
  }

  static Set<String> scopes(String text) {
    return new LinkedHashSet<>(Arrays.asList(text.trim().split("\\s+")));
  }

  static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
