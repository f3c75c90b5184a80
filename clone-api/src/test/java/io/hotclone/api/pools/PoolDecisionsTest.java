package io.hotclone.api.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.api.domain.RequestRejected;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolDecisionsTest {

  @Test
  void aRefillAsksForTheWholeDeficitInOneBatch() {
    assertThat(PoolDecisions.refill(3, 5, new PoolCounts(0, 0, 0))).isEqualTo(3);
    assertThat(PoolDecisions.refill(3, 5, new PoolCounts(1, 0, 7))).as("claimed clones are not the pool's").isEqualTo(2);
    assertThat(PoolDecisions.refill(3, 5, new PoolCounts(1, 2, 0))).as("creating ones count").isEqualTo(0);
    assertThat(PoolDecisions.refill(3, 5, new PoolCounts(4, 0, 0))).isEqualTo(0);
  }

  @Test
  void aRefillNeverTakesThePoolBeyondMaxSizeNorOneRequestBeyondItsLimit() {
    assertThat(PoolDecisions.refill(5, 5, new PoolCounts(1, 1, 0))).isEqualTo(3);
    assertThat(PoolDecisions.refill(6, 4, new PoolCounts(1, 1, 0))).as("minReady above maxSize: maxSize wins").isEqualTo(2);
    assertThat(PoolDecisions.refill(200, 256, new PoolCounts(0, 0, 0))).isEqualTo(PoolDecisions.MAX_BATCH);
  }

  @Test
  void aReadyCloneExpiresAtMaxAgeAndNeverWithout() {
    Instant ready = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(PoolDecisions.expired(ready, Duration.ofMinutes(10), ready.plusSeconds(599))).isFalse();
    assertThat(PoolDecisions.expired(ready, Duration.ofMinutes(10), ready.plusSeconds(600))).isTrue();
    assertThat(PoolDecisions.expired(ready, null, ready.plus(Duration.ofDays(400)))).isFalse();
  }

  @Test
  void failedRefillsBackOffDoublingUpToFiveMinutes() {
    assertThat(PoolDecisions.retryAfter(0)).isEqualTo(Duration.ZERO);
    assertThat(PoolDecisions.retryAfter(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(PoolDecisions.retryAfter(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(PoolDecisions.retryAfter(9)).isEqualTo(Duration.ofSeconds(256));
    assertThat(PoolDecisions.retryAfter(10)).isEqualTo(Duration.ofMinutes(5));
    assertThat(PoolDecisions.retryAfter(1000)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void settingsAreCheckedFieldByField() {
    PoolSettings s = PoolSettings.check("web", "src", 3, null, "Spread", "isolate", "PT30M", Map.of("app", "web"));
    assertThat(s.maxSize()).isEqualTo(3);
    assertThat(s.placement()).isEqualTo("spread");
    assertThat(s.maxAge()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.resized(5, 8).minReady()).isEqualTo(5);
    assertThatThrownBy(() -> PoolSettings.check("web", "src", 4, 2, null, null, null, null))
        .isInstanceOf(RequestRejected.class).extracting(e -> ((RequestRejected) e).field()).isEqualTo("maxSize");
    assertThatThrownBy(() -> PoolSettings.check("web", "src", -1, 2, null, null, null, null))
        .extracting(e -> ((RequestRejected) e).field()).isEqualTo("minReady");
    assertThatThrownBy(() -> PoolSettings.check("web", "src", 1, 2, "random", null, null, null))
        .extracting(e -> ((RequestRejected) e).field()).isEqualTo("placement");
    assertThatThrownBy(() -> PoolSettings.check("web", "src", 1, 2, null, null, "ten minutes", null))
        .extracting(e -> ((RequestRejected) e).field()).isEqualTo("maxAge");
    assertThatThrownBy(() -> PoolSettings.check("Not_A_Label", "src", 1, 2, null, null, null, null))
        .extracting(e -> ((RequestRejected) e).field()).isEqualTo("name");
  }
}
