package io.hotclone.api.web;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ETag} and {@code If-None-Match} of the single resources ({@code GET /api/v1/clones/{id}},
 * {@code /api/v1/vms/{id}}, {@code /api/v1/vms/{id}/lineage}). The tag is strong: {@code "} + the
 * base64url of the first 16 bytes of the SHA-256 of the JSON representation (as this API writes
 * it) + {@code "}; any change of the representation changes it. {@code If-None-Match} holding the
 * current tag (weak comparison, RFC 9110 §13.1.2; a list or {@code *} too) answers 304 with the
 * tag and no body: Spring MVC does that for a {@code GET} answered with a {@code ResponseEntity}
 * that carries an {@code ETag} ({@code HttpEntityMethodProcessor}, {@code
 * ServletWebRequest#checkNotModified}), so this class only computes the tag.
 */
@Component
public class ResourceETags {

  private final JsonMapper json;

  public ResourceETags(JsonMapper json) {
    this.json = json;
  }

  /** 200 with {@code view} and its {@code ETag} (Spring MVC turns it into 304 when If-None-Match holds the tag). */
  public <T> ResponseEntity<T> respond(T view) {
    return ResponseEntity.ok().eTag(tag(json.writeValueAsBytes(view))).body(view);
  }

  /** The strong entity tag of {@code representation}, quoted. */
  static String tag(byte[] representation) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(representation);
      return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
