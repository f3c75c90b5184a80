package io.hotclone.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResourceETagsTest {

  @Test
  void the_tag_is_strong_and_follows_the_representation() {
    String a = ResourceETags.tag("{\"phase\":\"REQUESTED\"}".getBytes(StandardCharsets.UTF_8));
    String b = ResourceETags.tag("{\"phase\":\"COMPLETED\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(a).startsWith("\"").endsWith("\"").doesNotStartWith("W/").hasSize(24);
    assertThat(a).isNotEqualTo(b);
    assertThat(ResourceETags.tag("{\"phase\":\"REQUESTED\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(a);
  }
}
