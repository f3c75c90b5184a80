package io.hotclone.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypePatternsTest {

  @Test
  void exactTypesAndPrefixesEndingInAStarMatch() {
    List<String> patterns = List.of("io.hotclone.clone.completed", "io.hotclone.vm.*");

    assertThat(TypePatterns.matches(patterns, "io.hotclone.clone.completed")).isTrue();
    assertThat(TypePatterns.matches(patterns, "io.hotclone.clone.requested")).isFalse();
    assertThat(TypePatterns.matches(patterns, "io.hotclone.clone.completed.v2")).isFalse();
    assertThat(TypePatterns.matches(patterns, "io.hotclone.vm.deleted")).isTrue();
    assertThat(TypePatterns.matches(patterns, "io.hotclone.vmx.deleted")).isFalse();
    assertThat(TypePatterns.matches(List.of("io.hotclone.*"), "io.hotclone.clone.failed")).isTrue();
  }

  @Test
  void validPatternsAreAccepted() {
    assertThat(TypePatterns.problem(List.of("io.hotclone.clone.completed", "io.hotclone.vm.*", "io.hotclone.*"))).isEmpty();
  }

  @Test
  void invalidPatternsAreRefusedWithTheReason() {
    assertThat(TypePatterns.problem(null)).contains("types is required: at least one CloudEvents type or prefix ending in *");
    assertThat(TypePatterns.problem(List.of())).isPresent();
    assertThat(TypePatterns.problem(List.of("*"))).isPresent();
    assertThat(TypePatterns.problem(List.of("com.example.thing"))).isPresent();
    assertThat(TypePatterns.problem(List.of("io.hotclone.clone*"))).isPresent();
    assertThat(TypePatterns.problem(List.of("io.hotclone.*.completed"))).isPresent();
    assertThat(TypePatterns.problem(List.of("io.hotclone.Clone.completed"))).isPresent();
    assertThat(TypePatterns.problem(Collections.singletonList(null))).isPresent();
    assertThat(TypePatterns.problem(Collections.nCopies(33, "io.hotclone.*"))).contains("at most 32 types");
    assertThat(TypePatterns.problem(List.of("io.hotclone.clone.completed", "nope")).orElseThrow())
        .isEqualTo("type 'nope' is neither a CloudEvents type under io.hotclone. nor such a prefix ending in .*");
  }
}
