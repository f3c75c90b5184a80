package io.hotclone.support.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@link OutboxRows} in memory, for the relay's decisions: rows are kept by id, {@link #unpublished}
 * answers the unpublished ones in id order (the age filter is PostgreSQL's business, covered by the
 * devstack integration tests; here every row counts as old enough). Thread-safe: the relay thread
 * reads and marks while the test waits for it.
 */
final class FakeOutboxRows implements OutboxRows {

  private final TreeMap<Long, OutboxRelay.Row> rows = new TreeMap<>();
  private final Set<Long> published = new LinkedHashSet<>();
  private final List<List<Long>> markCalls = new ArrayList<>();
  private final List<Duration> askedOlderThan = new ArrayList<>();
  private final List<Integer> askedLimit = new ArrayList<>();
  private RuntimeException failNextRead;

  synchronized void add(OutboxRelay.Row row) {
    rows.put(row.id(), row);
  }

  synchronized void failNextRead(RuntimeException e) {
    failNextRead = e;
  }

  @Override
  public Optional<OutboxRelay.Row> insert(
      UUID eventId, UUID cloneId, String topic, String type, String contentType, String traceparent, byte[] body) {
    throw new UnsupportedOperationException("the relay never inserts");
  }

  @Override
  public synchronized List<OutboxRelay.Row> unpublished(Duration olderThan, int limit) {
    askedOlderThan.add(olderThan);
    askedLimit.add(limit);
    notifyAll();
    if (failNextRead != null) {
      RuntimeException e = failNextRead;
      failNextRead = null;
      throw e;
    }
    return rows.values().stream().filter(r -> !published.contains(r.id())).limit(limit).toList();
  }

  @Override
  public synchronized void markPublished(List<Long> ids) {
    markCalls.add(List.copyOf(ids));
    published.addAll(ids);
    notifyAll();
  }

  synchronized List<List<Long>> markCalls() {
    return List.copyOf(markCalls);
  }

  synchronized Set<Long> published() {
    return Set.copyOf(published);
  }

  synchronized List<Duration> askedOlderThan() {
    return List.copyOf(askedOlderThan);
  }

  synchronized List<Integer> askedLimit() {
    return List.copyOf(askedLimit);
  }

  /** Waits (at most 10 s, a guard against a hang) until {@code n} rows are published; returns whether they are. */
  synchronized boolean awaitPublished(int n) throws InterruptedException {
    return awaitPublished(n, Duration.ofSeconds(10));
  }

  /** Waits at most {@code limit} until {@code n} rows are published; returns whether they are. */
  synchronized boolean awaitPublished(int n, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (published.size() < n && System.nanoTime() < deadline) {
      wait(100);
    }
    return published.size() >= n;
  }

  /** Waits (at most 10 s) until the relay has read {@code n} times; returns whether it has. */
  synchronized boolean awaitReads(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (askedLimit.size() < n && System.nanoTime() < deadline) {
      wait(100);
    }
    return askedLimit.size() >= n;
  }
}
