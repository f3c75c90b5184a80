package io.hotclone.api.web;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ETag} and {@code If-None-Match} of the single resources ({@code GET /api/v1/clones/{id}},
 * {@code /api/v1/vms/{id}}, {@code /api/v1/vms/{id}/lineage}). The tag is strong: {@code "} + the
 * base64url of the first 16 bytes of the SHA-256 of the JSON representation (as this API writes
 * it) + {@code "}; any change of the representation changes it. {@code If-None-Match} holding the
 * current tag (weak comparison, RFC 9110 §13.1.2; a list or {@code *} too) answers 304 with the
 * tag and no body.
 */
@Component
public class ResourceETags {

  private final JsonMapper json;

  public ResourceETags(JsonMapper json) {
    this.json = json;
  }

  /** 200 with {@code view} and its {@code ETag}, or 304 if {@code ifNoneMatch} names that tag. */
  public <T> ResponseEntity<T> respond(T view, String ifNoneMatch) {
    String tag = tag(json.writeValueAsBytes(view));
    if (matches(ifNoneMatch, tag)) {
      return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(tag).build();
    }
    return ResponseEntity.ok().eTag(tag).body(view);
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

  /** Whether {@code ifNoneMatch} ({@code *} or a list of tags, weak or strong) matches {@code tag}. */
  static boolean matches(String ifNoneMatch, String tag) {
    if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*")) {
        return true;
      }
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(tag)) {
        return true;
      }
    }
    return false;
  }
}
