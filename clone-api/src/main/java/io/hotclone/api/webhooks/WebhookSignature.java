package io.hotclone.api.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature scheme, version {@code v1}: a secret is {@code whsec_} followed by
 * the base64 of its key bytes; a message is signed as {@code v1,<base64(HMAC-SHA256(key, id + "." +
 * timestamp + "." + body))>}, where {@code id} is the {@code webhook-id}, {@code timestamp} the
 * {@code webhook-timestamp} (unix seconds) and {@code body} the exact bytes sent.
 */
public final class WebhookSignature {

  public static final String SECRET_PREFIX = "whsec_";
  /** Key bytes of a secret this service makes (the specification asks for 24 to 64). */
  public static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSignature() {}

  /** A new random secret, {@code whsec_<base64 of 32 bytes>}. */
  public static String newSecret() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The {@code webhook-signature} header value of one message. */
  public static String sign(String secret, String id, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  /** The key bytes of a secret (the {@code whsec_} prefix is optional, as in the reference libraries). */
  static byte[] key(String secret) {
    String b64 = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    return Base64.getDecoder().decode(b64);
  }
}
