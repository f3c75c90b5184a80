package io.hotclone.api.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * The first credential of a deployment without {@code dev-dir}: an admin API key the operator
 * makes and hands over as a file (a Docker secret), {@code hotclone.security.bootstrap-admin-key-file}.
 * The file holds one key in the API's own format, {@code hc_<id>_<secret>} (id: 1–32 hex digits;
 * secret: at least {@value #MIN_SECRET} characters of {@code A-Z a-z 0-9 - _}), e.g.
 * {@code printf 'hc_%s_%s\n' "$(openssl rand -hex 8)" "$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')"}.
 *
 * <p>At start-up the key is registered as a key of tenant {@value DevCredentials#ADMIN} with every
 * scope ({@link Scopes#ALL}), subject {@value #SUBJECT}: stored as the SHA-256 of its secret only,
 * like every key. A start with the same file registers nothing new; a key revoked through the API
 * stays revoked (the file does not bring it back); a file whose id names an existing key with
 * another secret stops the start. A missing, unreadable, empty or malformed file, or a secret
 * shorter than {@value #MIN_SECRET} characters, stops the start with an error naming the property
 * and the file, never its content. The log names the key id (public: it is in every audit record)
 * and the file, never the secret.
 */
public final class BootstrapAdminKey implements InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(BootstrapAdminKey.class);
  public static final String PROPERTY = "hotclone.security.bootstrap-admin-key-file";
  public static final String SUBJECT = "bootstrap-admin";
  public static final int MIN_SECRET = 32;

  private final Path file;
  private final ApiKeys keys;

  public BootstrapAdminKey(Path file, ApiKeys keys) {
    this.file = file;
    this.keys = keys;
  }

  @Override
  public void afterPropertiesSet() {
    String key = read(file);
    String id = key.substring(ApiKeys.PREFIX.length(), key.indexOf('_', ApiKeys.PREFIX.length()));
    switch (keys.register(key, DevCredentials.ADMIN, SUBJECT, Scopes.ALL)) {
      case ADDED -> log.info("bootstrap admin key {} registered from {} (tenant {}, every scope)", id, file, DevCredentials.ADMIN);
      case PRESENT -> log.info("bootstrap admin key {} from {} is registered already", id, file);
      case REVOKED -> log.warn("bootstrap admin key {} from {} was revoked: it stays revoked", id, file);
    }
  }

  /** The key in {@code file}, checked; every refusal is an {@link IllegalStateException} naming the file only. */
  static String read(Path file) {
    if (file == null || file.toString().isBlank()) {
      throw refused(file, "is not set");
    }
    if (!Files.isRegularFile(file)) {
      throw refused(file, "does not exist or is not a file");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      // the exception's own message could quote the file; name the type only
      throw refused(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (text.isEmpty()) {
      throw refused(file, "is empty");
    }
    int sep = text.startsWith(ApiKeys.PREFIX) ? text.indexOf('_', ApiKeys.PREFIX.length()) : -1;
    if (sep < 0
        || !text.substring(ApiKeys.PREFIX.length(), sep).matches("[0-9a-f]{1,32}")
        || !text.substring(sep + 1).matches("[A-Za-z0-9_-]+")) {
      throw refused(file, "does not hold one API key of the form hc_<id>_<secret> (id: 1-32 hex digits, "
          + "secret: A-Z a-z 0-9 - _)");
    }
    if (text.length() - sep - 1 < MIN_SECRET) {
      throw refused(file, "holds a key whose secret is shorter than " + MIN_SECRET + " characters");
    }
    return text;
  }

  private static IllegalStateException refused(Path file, String why) {
    return new IllegalStateException(PROPERTY + ": " + (file == null ? "(none)" : file) + " " + why);
  }
}
