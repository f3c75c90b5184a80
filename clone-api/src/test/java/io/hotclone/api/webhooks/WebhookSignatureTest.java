package io.hotclone.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  @Test
  void reproducesTheStandardWebhooksPublishedTestVector() {
    // given the vector of the Standard Webhooks specification's reference libraries
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    // when
    String signature = WebhookSignature.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, body);

    // then
    assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void signsWithTheDecodedKeyBytesNotTheSecretText() {
    // an HMAC-SHA256 written out from FIPS 198 in the test (SHA-256 from the JDK), not javax.crypto.Mac
    String secret = WebhookSignature.newSecret();
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    byte[] body = "{\"specversion\":\"1.0\",\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    byte[] signed = ("evt-1.1700000000." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);

    String expected = "v1," + Base64.getEncoder().encodeToString(hmacSha256(key, signed));

    assertThat(WebhookSignature.sign(secret, "evt-1", 1700000000L, body)).isEqualTo(expected);
  }

  @Test
  void aNewSecretIsWhsecAndThe32RandomBytesInBase64() {
    String a = WebhookSignature.newSecret();
    String b = WebhookSignature.newSecret();

    assertThat(a).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
    assertThat(a).isNotEqualTo(b);
  }

  /** HMAC as RFC 2104 defines it: H((K ^ opad) || H((K ^ ipad) || m)), block size 64. */
  static byte[] hmacSha256(byte[] key, byte[] message) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] k = key.length > 64 ? sha.digest(key) : key;
      byte[] block = new byte[64];
      System.arraycopy(k, 0, block, 0, k.length);
      byte[] inner = new byte[64];
      byte[] outer = new byte[64];
      for (int i = 0; i < 64; i++) {
        inner[i] = (byte) (block[i] ^ 0x36);
        outer[i] = (byte) (block[i] ^ 0x5c);
      }
      sha.update(inner);
      byte[] h = sha.digest(message);
      sha.update(outer);
      return sha.digest(h);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theHandWrittenHmacMatchesRfc4231TestCase2() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    byte[] mac = hmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII),
        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(mac))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}
