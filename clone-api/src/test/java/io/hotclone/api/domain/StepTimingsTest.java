package io.hotclone.api.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepTimingsTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void each_step_lasts_from_the_previous_phase_to_its_own() {
    // given
    Map<Phase, Instant> at = new EnumMap<>(Phase.class);
    at.put(Phase.REQUESTED, T0);
    at.put(Phase.STORAGE_FROZEN, T0.plusMillis(10));
    at.put(Phase.MEMORY_FROZEN, T0.plusMillis(25));
    at.put(Phase.STATE_COPIED, T0.plusMillis(125));
    at.put(Phase.MEMORY_UNFROZEN, T0.plusMillis(130));
    at.put(Phase.STORAGE_UNFROZEN, T0.plusMillis(140));
    at.put(Phase.CONFIGURED, T0.plusMillis(200));
    at.put(Phase.COMPLETED, T0.plusMillis(201));
    // when
    Map<String, Long> millis = StepTimings.stepMillis(at);
    // then
    assertThat(millis)
        .containsExactly(
            Map.entry("freeze-storage", 10L),
            Map.entry("freeze-memory", 15L),
            Map.entry("copy-state", 100L),
            Map.entry("unfreeze-memory", 5L),
            Map.entry("unfreeze-storage", 10L),
            Map.entry("configure-clone", 60L));
  }

  @Test
  void a_missing_phase_folds_into_the_next_step_and_clocks_never_go_negative() {
    // given StorageFrozen never recorded, and MemoryFrozen stamped before the request by a skewed clock
    Map<Phase, Instant> at = new EnumMap<>(Phase.class);
    at.put(Phase.REQUESTED, T0);
    at.put(Phase.MEMORY_FROZEN, T0.minusMillis(3));
    at.put(Phase.STATE_COPIED, T0.plusMillis(50));
    // when
    Map<String, Long> millis = StepTimings.stepMillis(at);
    // then
    assertThat(millis).containsExactly(Map.entry("freeze-memory", 0L), Map.entry("copy-state", 53L));
  }

  @Test
  void between_is_null_when_an_end_is_unknown() {
    assertThat(StepTimings.between(T0, null)).isNull();
    assertThat(StepTimings.between(T0, T0.plusMillis(7))).isEqualTo(7L);
  }
}
