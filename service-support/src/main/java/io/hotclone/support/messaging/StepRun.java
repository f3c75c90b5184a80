package io.hotclone.support.messaging;

import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.hypervisor.HypervisorException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One saga step, built in the order it must be thought of: the undo ({@link Undo}), the effect
 * ({@link Effect}), the event it emits ({@link Emit}). Each stage only offers the next, so an
 * effect cannot be given before its undo (or an explicit {@link Undo#noUndo()}).
 *
 * <p>Run: an event the inbox has seen is skipped; the undo's record commits in a transaction of
 * its own; the effect runs outside any transaction (idempotent by its operation ids, so a crash
 * before the commit only repeats it); then the inbox entry, the state change and the next event
 * commit in one transaction. A {@link StepFailure} or {@link HypervisorException} from the effect
 * is a failed step, not a retry: the compensation runs, then the failure's bookkeeping and a {@link
 * CloneFailed} with the step's wire name and the failure's reason commit with the inbox entry. Any
 * other exception propagates (infrastructure trouble: retry, then dead-letter).
 */
public final class StepRun {

  private StepRun() {}


  /** The first stage: how the step is undone. */
  public interface Undo {
    /**
     * {@code record} (e.g. a freeze lease) commits in its own transaction before the effect, so a
     * crash in between still leaves what knows how to undo it; {@code compensation} undoes the
     * step when it fails.
     */
    Effect undo(Runnable record, Runnable compensation);

    /** As {@link #undo(Runnable, Runnable)} with the record made by an earlier step or by the ids. */
    Effect undo(Runnable compensation);

    /**
     * As {@link #undo(Runnable, Runnable)}, but {@code recordOrDefer} may decline (e.g. the step was
     * queued behind another clone): then nothing else runs and the event is not claimed.
     */
    Effect undoOrDefer(BooleanSupplier recordOrDefer, Runnable compensation);

    /** The step holds nothing that needs undoing. */
    Effect noUndo();
  }

  /** The second stage: what the step does. */
  public interface Effect {
    /** {@code effect} runs outside any transaction; its result goes to {@link Emit#emit}. */
    <R> Emit<R> run(Supplier<R> effect);
  }

  /** The last stage: what the step commits and emits. */
  public interface Emit<R> {
    /** State bookkeeping of a failure (e.g. the lease ended), in the failure's transaction. */
    Emit<R> onFailure(Consumer<String> bookkeeping);

    /**
     * Runs the step. {@code next} runs in the commit transaction with the effect's result and
     * returns the event to emit, or null for none.
     */
    Outcome emit(Function<R, CloneEvent> next);
  }

  /** How a run ended. */
  public enum Outcome {
    /** The inbox had seen the event: nothing ran. */
    REPEAT,
    /** The undo's record declined: nothing else ran, the event is not claimed. */
    DEFERRED,
    SUCCEEDED,
    /** Compensated; {@code CloneFailed} emitted. */
    FAILED
  }
}
