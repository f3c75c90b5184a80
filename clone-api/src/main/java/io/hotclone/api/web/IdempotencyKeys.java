package io.hotclone.api.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} handling: the key's syntax (1–255 visible ASCII characters, 400
 * otherwise), the request fingerprint (SHA-256 of the body as parsed, so whitespace and member
 * order do not matter), and the keys whose first request is being processed in this instance
 * (a second request with such a key is 409).
 */
final class IdempotencyKeys {

  static final int MAX_KEY_LENGTH = 255;
  private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7e]+");
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(tools.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /** The key, or {@code null} when none was given. */
  static String validate(String key) {
    if (key == null) {
      return null;
    }
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !VISIBLE_ASCII.matcher(key).matches()) {
      throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-idempotency-key",
          "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters");
    }
    return key;
  }

  static String fingerprint(CloneRequestBody body) {
    try {
      byte[] canonical = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Marks {@code key} of {@code tenant} in flight until the claim is closed; 409 if it is already. */
  Claim claim(String tenant, String key) {
    String id = tenant + "\n" + key;
    if (!inFlight.add(id)) {
      throw new ApiProblem(HttpStatus.CONFLICT, "idempotency-key-in-flight",
          "a request with Idempotency-Key " + ApiProblem.quote(key) + " is still being processed");
    }
    return () -> inFlight.remove(id);
  }

  /** An in-flight mark. */
  interface Claim extends AutoCloseable {
    @Override
    void close();
  }
}
