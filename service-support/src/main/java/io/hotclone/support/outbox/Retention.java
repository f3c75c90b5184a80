package io.hotclone.support.outbox;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Keeps the outbox and the inbox from growing without bound: published outbox rows are deleted
 * once older than {@code outboxRetention}; inbox rows once older than {@code inboxRetention},
 * which must exceed the longest time an event can be redelivered (Kafka's retention).
 */
public class Retention {

  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private final JdbcTemplate jdbc;
  private final Duration outboxRetention;
  private final Duration inboxRetention;

  public Retention(JdbcTemplate jdbc, Duration outboxRetention, Duration inboxRetention) {
    this.jdbc = jdbc;
    this.outboxRetention = outboxRetention;
    this.inboxRetention = inboxRetention;
  }

  /** Deletes what is past retention; returns how many rows went. */
  @Scheduled(fixedDelayString = "${hotclone.retention.interval:600000}", initialDelay = 60_000)
  public int purge() {
    int outbox =
        jdbc.update(
            "DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => ?)",
            outboxRetention.toSeconds());
    int inbox =
        jdbc.update(
            "DELETE FROM inbox WHERE processed_at < now() - make_interval(secs => ?)", inboxRetention.toSeconds());
    if (outbox + inbox > 0) {
      log.info("retention: {} published outbox rows and {} inbox rows deleted", outbox, inbox);
    }
    return outbox + inbox;
  }
}
