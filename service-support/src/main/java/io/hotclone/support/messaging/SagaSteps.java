package io.hotclone.support.messaging;

import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.EventEnvelope;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.support.inbox.Inbox;
import io.hotclone.support.outbox.Outbox;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The shape of every saga step: skip an event the inbox has seen; run the hypervisor effect (which
 * is idempotent by its operation id, so a crash before the commit only repeats it harmlessly); then
 * commit the inbox entry, the service's state change and the next event in one transaction. A
 * {@link HypervisorException} is a failed step, not a retry: the service compensates and emits
 * {@link CloneFailed} with the step and reason.
 */
public class SagaSteps {

  private static final Logger log = LoggerFactory.getLogger(SagaSteps.class);

  private final Inbox inbox;
  private final Outbox outbox;
  private final TransactionTemplate tx;
  private final Clock clock;

  public SagaSteps(Inbox inbox, Outbox outbox, TransactionTemplate tx, Clock clock) {
    this.inbox = inbox;
    this.outbox = outbox;
    this.tx = tx;
    this.clock = clock;
  }

  /**
   * Runs one step.
   *
   * @param effect the hypervisor calls, outside any transaction
   * @param onSuccess runs in the commit transaction with the effect's result; returns the next event
   *     (or null for none)
   * @param onFailure runs in the commit transaction with the failure reason (state bookkeeping)
   * @param compensate releases what the failed step may have left held, before the failure commits
   */
  public <R> void step(
      EventEnvelope in,
      String step,
      Supplier<R> effect,
      Function<R, CloneEvent> onSuccess,
      Consumer<String> onFailure,
      Runnable compensate) {
    if (inbox.seen(in)) {
      log.debug("{} {}: already processed {}", step, in.cloneId(), in.eventId());
      return;
    }
    R result;
    try {
      result = effect.get();
    } catch (HypervisorException e) {
      log.info("{} failed for clone {}: {}", step, in.cloneId(), e.getMessage());
      try {
        compensate.run();
      } catch (RuntimeException c) {
        log.warn("compensation after {} failed for clone {}: {}", step, in.cloneId(), c.toString());
      }
      String reason = e.code() + ": " + e.getMessage();
      inTransaction(
          in,
          () -> {
            onFailure.accept(reason);
            emit(in.cloneId(), new CloneFailed(in.payload().plan(), step, reason));
          });
      return;
    }
    inTransaction(
        in,
        () -> {
          CloneEvent next = onSuccess.apply(result);
          if (next != null) {
            emit(in.cloneId(), next);
          }
        });
  }

  /** Claims the event and runs {@code work} in one transaction; a repeat does nothing. */
  public void inTransaction(EventEnvelope in, Runnable work) {
    tx.executeWithoutResult(
        s -> {
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
    tx.executeWithoutResult(s -> work.run());
  }

  public Clock clock() {
    return clock;
  }
}
