package io.hotclone.support.messaging;

import io.hotclone.events.CloneEvent;
import io.hotclone.events.EventEnvelope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An in-memory inbox, outbox and transactions for unit tests of saga steps. Claims and appended
 * events take effect when the outermost transaction commits and vanish when it throws; the
 * journal lists, in order, what tests {@link #note}d and each commit ({@code "commit"}).
 */
public final class FakeSagaLog implements StepInbox, StepOutbox, StepTransactions {

  private final Set<UUID> processed = new HashSet<>();
  private final List<EventEnvelope> published = new ArrayList<>();
  private final List<String> journal = new ArrayList<>();
  private Set<UUID> pendingClaims;
  private List<EventEnvelope> pendingEvents;

  /** Saga steps over this log. */
  public SagaSteps steps(Clock clock) {
    return new SagaSteps(this, this, this, clock);
  }

  @Override
  public void run(Runnable work) {
    if (pendingClaims != null) {
      work.run(); // joins the outer transaction
      return;
    }
    pendingClaims = new HashSet<>();
    pendingEvents = new ArrayList<>();
    try {
      work.run();
      processed.addAll(pendingClaims);
      published.addAll(pendingEvents);
      journal.add("commit");
    } finally {
      pendingClaims = null;
      pendingEvents = null;
    }
  }

  @Override
  public boolean seen(EventEnvelope event) {
    return processed.contains(event.eventId());
  }

  @Override
  public boolean claim(EventEnvelope event) {
    requireTransaction("claim");
    return !processed.contains(event.eventId()) && pendingClaims.add(event.eventId());
  }

  @Override
  public void append(EventEnvelope event) {
    requireTransaction("append");
    pendingEvents.add(event);
  }

  /** Marks {@code event} processed, as a first delivery that committed would have. */
  public void processed(EventEnvelope event) {
    processed.add(event.eventId());
  }

  /** Adds {@code what} to the journal (tests note their effects and records with it). */
  public void note(String what) {
    journal.add(what);
  }

  public List<String> journal() {
    return List.copyOf(journal);
  }

  public boolean inTransaction() {
    return pendingClaims != null;
  }

  /** The committed events, in order. */
  public List<EventEnvelope> published() {
    return List.copyOf(published);
  }

  /** The payloads of the committed events, in order. */
  public List<CloneEvent> events() {
    return published.stream().map(EventEnvelope::payload).toList();
  }

  /** The committed events of {@code type}, in order. */
  public <E extends CloneEvent> List<E> events(Class<E> type) {
    return events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The one committed event (fails unless exactly one was). */
  public CloneEvent onlyEvent() {
    if (published.size() != 1) {
      throw new AssertionError("expected one event, got " + events());
    }
    return published.get(0).payload();
  }

  public boolean claimed(EventEnvelope event) {
    return processed.contains(event.eventId());
  }

  private void requireTransaction(String what) {
    if (pendingClaims == null) {
      throw new IllegalStateException(what + " needs a transaction");
    }
  }
}
