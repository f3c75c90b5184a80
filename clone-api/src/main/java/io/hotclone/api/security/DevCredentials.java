package io.hotclone.api.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;

/**
 * Development credentials (only when {@code hotclone.security.dev-dir} is set): an API key of every
 * development tenant with every tenant scope, one admin key, and a 12-hour token per tenant from the
 * development issuer, written to {@code <dev-dir>/credentials.env} (owner-only, shell syntax:
 * {@code HOTCLONE_KEY_TENANT_A=hc_…}, {@code HOTCLONE_TOKEN_TENANT_A=eyJ…}, {@code
 * HOTCLONE_KEY_ADMIN=hc_…}). Keys already in the file are kept and registered again (a restart on
 * kept data, a second clone-api instance); tokens are minted anew at every start. The keys are
 * never logged; the log names the file.
 */
public final class DevCredentials implements ApplicationRunner, Ordered {

  private static final Logger log = LoggerFactory.getLogger(DevCredentials.class);
  public static final String FILE = "credentials.env";
  public static final String ADMIN = "admin";

  private final Path dir;
  private final Iterable<String> tenants;
  private final ApiKeys keys;

  public DevCredentials(Path dir, Iterable<String> tenants, ApiKeys keys) {
    this.dir = dir;
    this.tenants = tenants;
    this.keys = keys;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public void run(ApplicationArguments args) {
    try {
      write();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ensures the keys, mints the tokens, writes the file; returns its variables. */
  public synchronized Map<String, String> write() throws IOException {
    DevKeyPair pair = DevKeyPair.in(dir);
    Path file = dir.resolve(FILE);
    Map<String, String> old = read(file);
    Map<String, String> out = new LinkedHashMap<>();
    for (String tenant : tenants) {
      out.put(keyVar(tenant), key(old.get(keyVar(tenant)), tenant, "dev@" + tenant, Scopes.TENANT));
      out.put(tokenVar(tenant), MintToken.mint(pair, "dev@" + tenant, tenant, Scopes.TENANT, Duration.ofHours(12)));
    }
    out.put(keyVar(ADMIN), key(old.get(keyVar(ADMIN)), ADMIN, "dev-admin", Scopes.ALL));
    StringBuilder text = new StringBuilder("# HotClone development credentials (secret: owner-only). Use with\n"
        + "#   curl -H \"X-API-Key: $HOTCLONE_KEY_TENANT_A\" ...   or   -H \"Authorization: Bearer $HOTCLONE_TOKEN_TENANT_A\"\n");
    out.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    DevKeyPair.OwnerOnly.write(file, text.toString());
    log.info("development credentials for tenants {} and an admin key written to {}", tenants, file);
    return out;
  }

  private String key(String existing, String tenant, String subject, Set<String> scopes) {
    if (existing != null && existing.startsWith(ApiKeys.PREFIX)) {
      keys.ensure(existing, tenant, subject, scopes);
      return existing;
    }
    return keys.create(tenant, subject, scopes).key();
  }

  public static String keyVar(String tenant) {
    return "HOTCLONE_KEY_" + tenant.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  public static String tokenVar(String tenant) {
    return "HOTCLONE_TOKEN_" + tenant.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** The variables of a credentials file (empty if there is none). */
  public static Map<String, String> read(Path file) throws IOException {
    Map<String, String> vars = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return vars;
    }
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        vars.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return vars;
  }
}
