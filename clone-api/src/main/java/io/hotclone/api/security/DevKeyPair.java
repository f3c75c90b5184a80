package io.hotclone.api.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The development token issuer's RSA key pair in a directory ({@code jwt-private.pem} owner-only,
 * {@code jwt-public.pem}), made on first use and reused after: tokens minted before a restart stay
 * valid. For devstack and scripts/cluster.sh only; production configures its own issuer.
 */
public final class DevKeyPair {

  public static final String ISSUER = "hotclone-dev";
  static final String PRIVATE = "jwt-private.pem";
  static final String PUBLIC = "jwt-public.pem";

  private final RSAPrivateKey privateKey;
  private final RSAPublicKey publicKey;

  private DevKeyPair(RSAPrivateKey privateKey, RSAPublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** The key pair kept in {@code dir}, made there (owner-only) if it is not there yet. */
  public static synchronized DevKeyPair in(Path dir) {
    try {
      OwnerOnly.directory(dir);
      Path priv = dir.resolve(PRIVATE);
      Path pub = dir.resolve(PUBLIC);
      if (!Files.exists(priv) || !Files.exists(pub)) {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        OwnerOnly.write(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        OwnerOnly.write(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
      }
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      return new DevKeyPair(
          (RSAPrivateKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der(priv))),
          (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(der(pub))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make or read the development key pair in " + dir, e);
    }
  }

  public RSAPrivateKey privateKey() {
    return privateKey;
  }

  public RSAPublicKey publicKey() {
    return publicKey;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** An RSA public key from a PEM file ({@code -----BEGIN PUBLIC KEY-----}). */
  public static RSAPublicKey readPublicKey(Path pem) {
    try {
      return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("not an RSA public key: " + pem, e);
    }
  }

  private static byte[] der(Path pem) throws IOException {
    String text = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(text);
  }

  /** Files and directories only their owner may read. */
  static final class OwnerOnly {
    private OwnerOnly() {}

    static void directory(Path dir) throws IOException {
      Files.createDirectories(dir);
      try {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
    }

    static void write(Path file, String text) throws IOException {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
