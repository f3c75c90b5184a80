package io.hotclone.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofHours(24));

  @Test
  void theDelayDoublesFromTheInitialOneUpToTheMaximum() {
    assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(20));
    assertThat(backoff.delayAfter(10)).isEqualTo(Duration.ofSeconds(2560));
    assertThat(backoff.delayAfter(11)).isEqualTo(Duration.ofHours(1));
    assertThat(backoff.delayAfter(1000)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aRetryIsScheduledWhileItFallsWithinTheGiveUpTime() {
    Instant now = T0.plusSeconds(60);

    assertThat(backoff.nextAttempt(T0, 3, now)).contains(now.plusSeconds(20));
  }

  @Test
  void aRetryBeyondTheGiveUpTimeIsNotMade() {
    Instant late = T0.plus(Duration.ofHours(23)).plusSeconds(30 * 60 + 1);

    assertThat(backoff.nextAttempt(T0, 20, late)).isEmpty();
    assertThat(backoff.nextAttempt(T0, 20, T0.plus(Duration.ofHours(23)))).contains(T0.plus(Duration.ofHours(24)));
  }

  @Test
  void theAttemptsWithinADayAreBounded() {
    Instant at = T0;
    int attempts = 0;
    while (true) {
      attempts++;
      var next = backoff.nextAttempt(T0, attempts, at);
      if (next.isEmpty()) {
        break;
      }
      at = next.get();
    }
    // 5 s .. 2560 s (10 attempts, 85 min), then hourly until 24 h
    assertThat(attempts).isEqualTo(33);
  }
}
