package io.hotclone.support.messaging;

import io.hotclone.events.CloneEvent;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.support.inbox.Inbox;
import io.hotclone.support.outbox.Outbox;
import java.time.Clock;
import java.util.UUID;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the saga steps of a service through its inbox, outbox and transactions. A step is written
 * with {@link #on}: its undo is declared before its effect can be (see {@link StepRun}).
 */
public class SagaSteps {

  private final StepInbox inbox;
  private final StepOutbox outbox;
  private final StepTransactions tx;
  private final Clock clock;

  public SagaSteps(Inbox inbox, Outbox outbox, TransactionTemplate tx, Clock clock) {
    this(
        new StepInbox() {
          @Override
          public boolean seen(EventEnvelope event) {
            return inbox.seen(event);
          }

          @Override
          public boolean claim(EventEnvelope event) {
            return inbox.claim(event);
          }
        },
        outbox::append,
        work -> tx.executeWithoutResult(s -> work.run()),
        clock);
  }

  public SagaSteps(StepInbox inbox, StepOutbox outbox, StepTransactions tx, Clock clock) {
    this.inbox = inbox;
    this.outbox = outbox;
    this.tx = tx;
    this.clock = clock;
  }

  /**
   * Starts step {@code step} for {@code event}: declare its undo (or {@link StepRun.Undo#noUndo()}),
   * then its effect, then the event it emits.
   */
  public StepRun.Undo on(EventEnvelope event, SagaStep step) {
    return new StepRunner(this, event, step);
  }

  /** Whether the inbox has processed {@code event} already. */
  public boolean seen(EventEnvelope event) {
    return inbox.seen(event);
  }

  /** Claims the event and runs {@code work} in one transaction; a repeat does nothing. */
  public void inTransaction(EventEnvelope in, Runnable work) {
    tx.run(
        () -> {
          if (inbox.claim(in)) {
            work.run();
          }
        });
  }

  /** Appends an event to the outbox; call inside a transaction. */
  public void emit(UUID cloneId, CloneEvent event) {
    outbox.append(EventEnvelope.of(cloneId, event, clock.instant()));
  }

  /** Runs {@code work} in a transaction of its own (e.g. recording a lease before the freeze). */
  public void transaction(Runnable work) {
    tx.run(work);
  }

  public Clock clock() {
    return clock;
  }
}
