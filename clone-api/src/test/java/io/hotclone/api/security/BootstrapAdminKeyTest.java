package io.hotclone.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bootstrap admin key file: what is refused, with which message, and that no message quotes it. */
class BootstrapAdminKeyTest {

  private static final String SECRET = "Q2xvbmVzLWFyZS1ob3QtYW5kLXNlY3JldC0wMTIzNDU2";
  private static final String KEY = "hc_0a1b2c3d4e5f6071_" + SECRET;

  @TempDir Path dir;

  private Path file(String content) throws Exception {
    return Files.writeString(dir.resolve("admin-key"), content);
  }

  @Test
  void a_well_formed_key_is_read_without_its_line_end() throws Exception {
    assertThat(BootstrapAdminKey.read(file(KEY + "\n"))).isEqualTo(KEY);
  }

  @Test
  void an_absent_file_is_refused_naming_the_property_and_the_file() {
    Path absent = dir.resolve("no-such-file");
    assertThatThrownBy(() -> BootstrapAdminKey.read(absent))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(BootstrapAdminKey.PROPERTY + ": " + absent + " does not exist or is not a file");
    assertThatThrownBy(() -> BootstrapAdminKey.read(dir))
        .hasMessageContaining("does not exist or is not a file");
  }

  @Test
  void an_empty_file_is_refused() throws Exception {
    assertThatThrownBy(() -> BootstrapAdminKey.read(file(" \n"))).hasMessageEndingWith(" is empty");
  }

  @Test
  void a_short_secret_is_refused_without_quoting_it() throws Exception {
    String shortKey = "hc_0a1b_" + "s".repeat(30) + "t";
    assertThat(shortKey.length() - "hc_0a1b_".length()).isEqualTo(31);
    Path f = file(shortKey);
    assertThatThrownBy(() -> BootstrapAdminKey.read(f))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shorter than 32 characters")
        .hasMessageNotContaining(shortKey.substring(8));
  }

  @Test
  void anything_but_one_key_of_the_api_s_form_is_refused_without_quoting_it() throws Exception {
    for (String bad : new String[] {
        SECRET, // a bare secret
        "hc_XYZ_" + SECRET, // id not hex
        "hc__" + SECRET, // no id
        KEY + " " + KEY, // two keys
        "hc_0a1b_" + SECRET + "\u00e9", // outside the alphabet
    }) {
      Path f = file(bad);
      assertThatThrownBy(() -> BootstrapAdminKey.read(f))
          .as(bad)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("does not hold one API key of the form")
          .hasMessageNotContaining(SECRET);
    }
  }

  @Test
  void no_file_given_is_refused() {
    assertThatThrownBy(() -> BootstrapAdminKey.read(null)).hasMessage(BootstrapAdminKey.PROPERTY + ": (none) is not set");
  }
}
