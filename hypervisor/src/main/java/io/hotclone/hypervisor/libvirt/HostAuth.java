package io.hotclone.hypervisor.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the driver authenticates to one libvirt host, beyond what its URI says. Holds no secret: the
 * SASL password is read from its file or environment variable each time a connection is opened
 * (so a rotated secret is picked up by the next connection) and handed to libvirt's
 * authentication callback only.
 *
 * @param username SASL user name ({@code authname}); {@code null} for no SASL credentials
 * @param passwordFile file whose content (one trailing line break ignored) is the SASL password
 * @param passwordEnv name of the environment variable holding the SASL password
 * @param pkiPath libvirt's {@code pkipath} for TLS transports: a directory with {@code
 *     cacert.pem}, {@code clientcert.pem} and {@code clientkey.pem}; appended to a TLS URI that
 *     names none; {@code null} for libvirt's default locations
 */
public record HostAuth(String username, Path passwordFile, String passwordEnv, Path pkiPath) {
  public static final HostAuth NONE = new HostAuth(null, null, null, null);
  static final List<String> PKI_FILES = List.of("cacert.pem", "clientcert.pem", "clientkey.pem");

  public HostAuth {
    if (username != null && username.isBlank()) {
      throw new IllegalArgumentException("SASL username is blank");
    }
    if (passwordFile != null && passwordEnv != null) {
      throw new IllegalArgumentException("a SASL password comes from a file or from the environment, not both");
    }
    if (username != null && passwordFile == null && passwordEnv == null) {
      throw new IllegalArgumentException("SASL username " + username + " has no password file or password variable");
    }
    if (username == null && (passwordFile != null || passwordEnv != null)) {
      throw new IllegalArgumentException("a SASL password needs a username");
    }
  }

  /** SASL credentials with the password in a file (e.g. a Docker or Kubernetes secret). */
  public static HostAuth sasl(String username, Path passwordFile) {
    return new HostAuth(username, passwordFile, null, null);
  }

  /** SASL credentials with the password in an environment variable. */
  public static HostAuth saslFromEnv(String username, String passwordEnv) {
    return new HostAuth(username, null, passwordEnv, null);
  }

  /** TLS with the client certificate, key and CA in {@code pkiPath}. */
  public static HostAuth tls(Path pkiPath) {
    return new HostAuth(null, null, null, pkiPath);
  }

  public HostAuth withPkiPath(Path path) {
    return new HostAuth(username, passwordFile, passwordEnv, path);
  }

  boolean hasSasl() {
    return username != null;
  }

  /** The URI to open: a TLS URI gets {@code pkipath=} unless it names one. */
  String effectiveUri(String uri) {
    return pkiPath == null ? uri : LibvirtUris.withPkiPath(uri, pkiPath);
  }

  /**
   * What is wrong with this host's credentials before libvirt is asked, in words naming no secret:
   * an unreadable password file, an unset password variable, a TLS URI whose pkipath misses a file.
   */
  Optional<String> problem(String uri, Function<String, String> env) {
    if (passwordFile != null) {
      if (!Files.isRegularFile(passwordFile)) {
        return Optional.of("SASL password file " + passwordFile + " does not exist");
      }
      if (!Files.isReadable(passwordFile)) {
        return Optional.of("SASL password file " + passwordFile + " is not readable");
      }
    }
    if (passwordEnv != null && (env.apply(passwordEnv) == null || env.apply(passwordEnv).isEmpty())) {
      return Optional.of("SASL password variable " + passwordEnv + " is not set");
    }
    Optional<Path> dir = LibvirtUris.isTls(uri) ? LibvirtUris.pkiPath(effectiveUri(uri)) : Optional.empty();
    if (dir.isPresent()) {
      List<String> missing = new ArrayList<>();
      for (String f : PKI_FILES) {
        if (!Files.isReadable(dir.get().resolve(f))) {
          missing.add(f);
        }
      }
      if (!missing.isEmpty()) {
        return Optional.of("TLS pkipath " + dir.get() + " has no readable " + String.join(", ", missing));
      }
    }
    return Optional.empty();
  }

  /** The SASL password as UTF-8 bytes (the caller zeroes them); one trailing line break dropped. */
  byte[] password(Function<String, String> env) throws IOException {
    byte[] raw;
    if (passwordFile != null) {
      raw = Files.readAllBytes(passwordFile);
    } else if (passwordEnv != null) {
      String v = env.apply(passwordEnv);
      if (v == null) {
        throw new IOException("SASL password variable " + passwordEnv + " is not set");
      }
      raw = v.getBytes(StandardCharsets.UTF_8);
    } else {
      throw new IOException("no SASL password configured");
    }
    int n = raw.length;
    if (n > 0 && raw[n - 1] == '\n') {
      n--;
      if (n > 0 && raw[n - 1] == '\r') {
        n--;
      }
    }
    if (n == raw.length) {
      return raw;
    }
    byte[] trimmed = Arrays.copyOf(raw, n);
    Arrays.fill(raw, (byte) 0);
    return trimmed;
  }
}
