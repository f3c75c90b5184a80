package io.hotclone.api.labels;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.api.domain.RequestRejected;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {

  private static RequestRejected rejected(Runnable r) {
    try {
      r.run();
    } catch (RequestRejected e) {
      return e;
    }
    throw new AssertionError("not rejected");
  }

  @Test
  void valid_labels_come_back_sorted_by_key() {
    Map<String, String> in = new HashMap<>(Map.of("team", "billing", "example.com/env", "Prod_1", "empty", ""));
    assertThat(Labels.check("labels", in)).containsExactly(
        Map.entry("empty", ""), Map.entry("example.com/env", "Prod_1"), Map.entry("team", "billing"));
    assertThat(Labels.check("labels", null)).isEmpty();
  }

  @Test
  void keys_follow_the_kubernetes_rule_and_the_problem_names_the_label() {
    for (String bad : List.of("Team", "-team", "team-", "a".repeat(64), "a_b", "/x", "Example.com/x", "ex..com/x", "x/")) {
      RequestRejected e = rejected(() -> Labels.check("labels", Map.of(bad, "v")));
      assertThat(e.field()).as(bad).isEqualTo("labels." + bad);
      assertThat(e.code()).as(bad).isEqualTo("invalid-label-key");
    }
    assertThat(Labels.check("labels", Map.of("a".repeat(63), "v"))).hasSize(1);
  }

  @Test
  void values_are_at_most_63_characters_of_the_rule() {
    for (String bad : List.of("a".repeat(64), "-a", "a b", "ä")) {
      assertThat(rejected(() -> Labels.check("labels", Map.of("k", bad))).code()).as(bad).isEqualTo("invalid-label-value");
    }
    assertThat(Labels.check("labels", Map.of("k", "A.b-c_9"))).containsEntry("k", "A.b-c_9");
  }

  @Test
  void at_most_32_labels() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 33; i++) {
      many.put("k" + i, "v");
    }
    RequestRejected e = rejected(() -> Labels.check("labels", many));
    assertThat(e.code()).isEqualTo("too-many-labels");
    assertThat(e.field()).isEqualTo("labels");
    many.remove("k0");
    assertThat(Labels.check("labels", many)).hasSize(32);
  }

  @Test
  void a_clone_s_labels_are_its_source_s_overlaid_with_its_request_s() {
    assertThat(Labels.overlay(Map.of("team", "a", "env", "prod"), Map.of("env", "test", "job", "7")))
        .containsExactly(Map.entry("env", "test"), Map.entry("job", "7"), Map.entry("team", "a"));
  }

  @Test
  void a_selector_ands_its_labels_and_refuses_a_malformed_one() {
    Map<String, String> required = LabelSelector.parse(List.of("team=a", "env=prod"));
    assertThat(LabelSelector.matches(required, Map.of("team", "a", "env", "prod", "x", "y"))).isTrue();
    assertThat(LabelSelector.matches(required, Map.of("team", "a"))).isFalse();
    assertThat(LabelSelector.matches(required, Map.of("team", "a", "env", "test"))).isFalse();
    assertThat(LabelSelector.parse(List.of("k="))).containsEntry("k", "");
    assertThat(rejected(() -> LabelSelector.parse(List.of("team"))).field()).isEqualTo("label");
    assertThat(rejected(() -> LabelSelector.parse(List.of("team=a", "team=b"))).code()).isEqualTo("invalid-label-selector");
  }
}
