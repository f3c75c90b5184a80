package io.hotclone.support.messaging;

import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.support.messaging.StepRun.Effect;
import io.hotclone.support.messaging.StepRun.Emit;
import io.hotclone.support.messaging.StepRun.Outcome;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one step as {@link StepRun} describes; only {@link SagaSteps#on} makes one. */
final class StepRunner implements StepRun.Undo, StepRun.Effect {

  private static final Logger log = LoggerFactory.getLogger(StepRunner.class);

  private final SagaSteps steps;
  private final EventEnvelope event;
  private final SagaStep step;
  private BooleanSupplier record;
  private Runnable compensation;

  StepRunner(SagaSteps steps, EventEnvelope event, SagaStep step) {
    this.steps = steps;
    this.event = event;
    this.step = step;
  }

  @Override
  public Effect undo(Runnable record, Runnable compensation) {
    return undoOrDefer(
        () -> {
          record.run();
          return true;
        },
        compensation);
  }

  @Override
  public Effect undo(Runnable compensation) {
    this.compensation = compensation;
    return this;
  }

  @Override
  public Effect undoOrDefer(BooleanSupplier recordOrDefer, Runnable compensation) {
    this.record = recordOrDefer;
    this.compensation = compensation;
    return this;
  }

  @Override
  public Effect noUndo() {
    return undo(() -> {});
  }

  @Override
  public <R> Emit<R> run(Supplier<R> effect) {
    return new Emit<>() {
      private Consumer<String> bookkeeping = reason -> {};

      @Override
      public Emit<R> onFailure(Consumer<String> bookkeeping) {
        this.bookkeeping = bookkeeping;
        return this;
      }

      @Override
      public Outcome emit(Function<R, CloneEvent> next) {
        return execute(effect, bookkeeping, next);
      }
    };
  }

  private <R> Outcome execute(Supplier<R> effect, Consumer<String> bookkeeping, Function<R, CloneEvent> next) {
    if (steps.seen(event)) {
      log.debug("{} {}: already processed {}", step, event.cloneId(), event.eventId());
      return Outcome.REPEAT;
    }
    if (record != null) {
      boolean[] go = new boolean[1];
      steps.transaction(() -> go[0] = record.getAsBoolean());
      if (!go[0]) {
        return Outcome.DEFERRED;
      }
    }
    R result;
    try {
      result = effect.get();
    } catch (StepFailure | HypervisorException e) {
      fail(StepFailure.of(e), bookkeeping);
      return Outcome.FAILED;
    }
    steps.inTransaction(
        event,
        () -> {
          CloneEvent out = next.apply(result);
          if (out != null) {
            steps.emit(event.cloneId(), out);
          }
        });
    return Outcome.SUCCEEDED;
  }

  private void fail(StepFailure failure, Consumer<String> bookkeeping) {
    log.info("{} failed for clone {}: {}", step, event.cloneId(), failure.getMessage());
    try {
      compensation.run();
    } catch (RuntimeException c) {
      log.warn("compensation after {} failed for clone {}: {}", step, event.cloneId(), c.toString());
    }
    String reason = failure.reason();
    steps.inTransaction(
        event,
        () -> {
          bookkeeping.accept(reason);
          steps.emit(event.cloneId(), new CloneFailed(event.payload().plan(), step.wireName(), reason));
        });
  }
}
