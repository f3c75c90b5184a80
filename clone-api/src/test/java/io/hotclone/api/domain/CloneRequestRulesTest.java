package io.hotclone.api.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloneRequestRulesTest {

  @Test
  void defaults_are_one_clone_generated_names_and_a_30s_lease() {
    CloneRequestRules.Checked c = CloneRequestRules.check("vm-1", "host-b", null, null, null, null);
    assertThat(c).isEqualTo(new CloneRequestRules.Checked("vm-1", "host-b", 1, List.of(), 30_000));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65, 1000})
  void count_outside_1_to_64_is_rejected(int count) {
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", count, null, null, null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> {
          assertThat(e.field()).isEqualTo("count");
          assertThat(e.code()).isEqualTo("out-of-range");
        });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 64})
  void count_at_the_bounds_is_accepted(int count) {
    assertThat(CloneRequestRules.check("vm-1", "host-b", count, null, null, null).count()).isEqualTo(count);
  }

  @Test
  void names_must_match_count() {
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", 3, null, List.of("a", "b"), null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo("size-mismatch"));
  }

  @Test
  void names_must_be_distinct_and_not_blank() {
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", 2, null, List.of("a", "a"), null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo("duplicate"));
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", 2, null, List.of("a", " "), null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo("not-a-dns-label"));
  }

  @Test
  void one_name_names_one_clone_and_prefixes_several() {
    assertThat(CloneRequestRules.check("vm-1", "host-b", 1, "web", null, null).names()).containsExactly("web");
    assertThat(CloneRequestRules.check("vm-1", "host-b", 3, "web", null, null).names())
        .containsExactly("web-1", "web-2", "web-3");
  }

  @Test
  void name_and_names_together_are_ambiguous() {
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", 1, "web", List.of("x"), null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo("ambiguous"));
  }

  @Test
  void the_source_is_required_and_the_target_host_optional_but_a_label_when_given() {
    assertThatThrownBy(() -> CloneRequestRules.check(" ", "host-b", 1, null, null, null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.field()).isEqualTo("sourceVm"));
    assertThat(CloneRequestRules.check("vm-1", null, 2, null, null, null).targetHost()).isNull();
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "Host_B", 1, null, null, null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.field()).isEqualTo("targetHost"));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -5, 3_600_001})
  void lease_must_be_positive_and_at_most_an_hour(long lease) {
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", 1, null, null, lease))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.field()).isEqualTo("leaseMillis"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x'; drop table vm;--", "Web", "-web", "web-", "we b", "wéb", " web", "web.example", ""})
  void names_that_are_not_dns_labels_are_rejected(String name) {
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", 1, name, null, null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> {
          assertThat(e.field()).isEqualTo("name");
          assertThat(e.code()).isIn("not-a-dns-label", "required");
        });
    assertThatThrownBy(() -> CloneRequestRules.check(name, "host-b", 1, null, null, null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.field()).isEqualTo("sourceVm"));
  }

  @Test
  void names_longer_than_63_are_rejected_also_once_numbered() {
    String max = "a".repeat(63);
    assertThat(CloneRequestRules.check("vm-1", "host-b", 1, max, null, null).names()).containsExactly(max);
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", 1, max + "a", null, null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo("too-long"));
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", 2, "a".repeat(62), null, null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo("too-long"));
    assertThatThrownBy(() -> CloneRequestRules.check("vm-1", "host-b", 1, "x".repeat(10_000), null, null))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo("too-long"));
  }
}
