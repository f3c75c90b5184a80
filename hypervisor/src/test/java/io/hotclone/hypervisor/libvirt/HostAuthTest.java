package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostAuthTest {
  @TempDir Path dir;

  @Test
  void a_username_needs_exactly_one_password_source() {
    assertThatThrownBy(() -> new HostAuth("u", null, null, null)).hasMessageContaining("no password");
    assertThatThrownBy(() -> new HostAuth("u", dir.resolve("p"), "P", null)).hasMessageContaining("not both");
    assertThatThrownBy(() -> new HostAuth(null, dir.resolve("p"), null, null)).hasMessageContaining("needs a username");
    assertThatThrownBy(() -> new HostAuth(" ", dir.resolve("p"), null, null)).hasMessageContaining("blank");
    assertThat(HostAuth.NONE.hasSasl()).isFalse();
    assertThat(HostAuth.sasl("u", dir.resolve("p")).hasSasl()).isTrue();
  }

  @Test
  void the_password_file_is_read_when_asked_with_one_trailing_line_break_dropped() throws Exception {
    Path file = dir.resolve("password");
    Files.writeString(file, "s3cret pass\n");
    HostAuth auth = HostAuth.sasl("alice", file);
    assertThat(new String(auth.password(k -> null), StandardCharsets.UTF_8)).isEqualTo("s3cret pass");
    Files.writeString(file, "rotated\r\n");
    assertThat(new String(auth.password(k -> null), StandardCharsets.UTF_8)).as("read again, not cached").isEqualTo("rotated");
    Files.writeString(file, "two\n\n");
    assertThat(new String(auth.password(k -> null), StandardCharsets.UTF_8)).isEqualTo("two\n");
    HostAuth fromEnv = HostAuth.saslFromEnv("alice", "HC_PW");
    assertThat(new String(fromEnv.password(Map.of("HC_PW", "env-pw")::get), StandardCharsets.UTF_8)).isEqualTo("env-pw");
  }

  @Test
  void problems_name_the_file_or_variable_never_the_secret() throws Exception {
    Path file = dir.resolve("password");
    HostAuth auth = HostAuth.sasl("alice", file);
    assertThat(auth.problem("qemu+tcp://h/system", k -> null)).contains("SASL password file " + file + " does not exist");
    Files.writeString(file, "hunter2");
    assertThat(auth.problem("qemu+tcp://h/system", k -> null)).isEmpty();
    assertThat(HostAuth.saslFromEnv("alice", "HC_PW").problem("qemu+tcp://h/system", k -> null))
        .contains("SASL password variable HC_PW is not set");
    assertThat(HostAuth.saslFromEnv("alice", "HC_PW").problem("qemu+tcp://h/system", Map.of("HC_PW", "hunter2")::get)).isEmpty();
    assertThat(auth.toString()).doesNotContain("hunter2");
  }

  @Test
  void a_tls_pkipath_without_the_client_certificate_is_a_problem_before_libvirt_is_asked() throws Exception {
    Path pki = dir.resolve("pki");
    Files.createDirectories(pki);
    Files.writeString(pki.resolve("cacert.pem"), "ca");
    Files.writeString(pki.resolve("clientkey.pem"), "key");
    HostAuth tls = HostAuth.tls(pki);
    assertThat(tls.effectiveUri("qemu+tls://h/system")).isEqualTo("qemu+tls://h/system?pkipath=" + pki);
    assertThat(tls.problem("qemu+tls://h/system", k -> null)).contains("TLS pkipath " + pki + " has no readable clientcert.pem");
    assertThat(tls.problem("qemu+tcp://h/system", k -> null)).as("not a TLS URI: no pkipath used").isEmpty();
    assertThat(HostAuth.NONE.problem("qemu+tls://h/system?pkipath=" + pki, k -> null))
        .as("a pkipath in the URI itself is checked too").contains("TLS pkipath " + pki + " has no readable clientcert.pem");
    Files.writeString(pki.resolve("clientcert.pem"), "cert");
    assertThat(tls.problem("qemu+tls://h/system", k -> null)).isEmpty();
  }
}
