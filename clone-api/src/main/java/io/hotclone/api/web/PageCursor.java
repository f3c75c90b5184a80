package io.hotclone.api.web;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * The opaque {@code cursor} of a paged list: the sort key of the last item of a page, bound to the
 * list it came from. Encoded as base64url (no padding) of: a version byte, the list's name and the
 * key's parts (each as modified UTF-8 with its length), then the first 8 bytes of the SHA-256 of
 * all that. A cursor that is not base64url, has another version, another list's name, another
 * number of parts or a checksum that does not match (a truncated or edited cursor) is 400 {@code
 * invalid-cursor}.
 *
 * <p>The cursor is opaque, not secret: someone who writes the format out by hand can forge one,
 * which only chooses where a page starts; what a caller may see is decided by its credential and
 * filters, never by the cursor.
 */
public final class PageCursor {

  static final int VERSION = 1;
  private static final int CHECKSUM_BYTES = 8;

  private PageCursor() {}

  /** The cursor of list {@code list} positioned after the item whose sort key is {@code key}. */
  public static String encode(String list, List<String> key) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeUTF(list);
      out.writeByte(key.size());
      for (String part : key) {
        out.writeUTF(part);
      }
      out.flush();
      byte[] body = bytes.toByteArray();
      out.write(checksum(body));
      out.flush();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sort key {@code cursor} holds for list {@code list}, of {@code parts} parts; 400 otherwise. */
  public static List<String> decode(String list, int parts, String cursor) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(cursor.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw invalid("the cursor is not base64url");
    }
    if (raw.length <= CHECKSUM_BYTES) {
      throw invalid("the cursor is too short");
    }
    byte[] body = Arrays.copyOf(raw, raw.length - CHECKSUM_BYTES);
    if (!MessageDigest.isEqual(checksum(body), Arrays.copyOfRange(raw, body.length, raw.length))) {
      throw invalid("the cursor's checksum does not match (altered or truncated)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      if (in.readUnsignedByte() != VERSION || !list.equals(in.readUTF())) {
        throw invalid("the cursor belongs to another list or version");
      }
      int n = in.readUnsignedByte();
      if (n != parts) {
        throw invalid("the cursor has " + n + " key parts, this list's have " + parts);
      }
      List<String> key = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        key.add(in.readUTF());
      }
      if (in.available() > 0) {
        throw invalid("the cursor has trailing bytes");
      }
      return key;
    } catch (IOException e) {
      throw invalid("the cursor is truncated");
    }
  }

  /** {@code parse} of a decoded key's parts; a part it cannot read (a forged cursor) is 400 {@code invalid-cursor}. */
  public static <T> T parse(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (RuntimeException e) {
      throw invalid("the cursor's key cannot be read");
    }
  }

  private static byte[] checksum(byte[] body) {
    try {
      return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(body), CHECKSUM_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ApiProblem invalid(String why) {
    return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-cursor", why + "; use the cursor of a Link rel=\"next\" unchanged");
  }
}
