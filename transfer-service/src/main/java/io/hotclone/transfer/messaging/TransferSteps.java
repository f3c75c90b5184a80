package io.hotclone.transfer.messaging;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.CopiedImage;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.StateCopied;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.VmId;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaHandlers;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.support.messaging.StepOperation;
import io.hotclone.transfer.persistence.Transfers;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Step 3: one copy of the frozen state per clone, each idempotent by {@code copy-<index>}. With
 * {@code partial}, the clones of a host whose copy failed are listed in {@code StateCopied.failures}
 * and get no image or transfer record ({@link HostCopies}); otherwise a failed copy, or a {@code
 * CloneFailed} from elsewhere, releases everything this clone id left on the hypervisor (copied
 * images, unused pointers, freezes).
 */
public class TransferSteps implements SagaEventHandler {

  private final Hypervisor hypervisor;
  private final SagaSteps steps;
  private final Transfers transfers;
  private final HaltPoints halt;
  private final SagaHandlers handlers;

  public TransferSteps(Hypervisor hypervisor, SagaSteps steps, Transfers transfers, HaltPoints halt) {
    this.hypervisor = hypervisor;
    this.steps = steps;
    this.transfers = transfers;
    this.halt = halt;
    this.handlers =
        SagaHandlers.of(SagaService.TRANSFER)
            .on(SagaStep.COPY_STATE, MemoryFrozen.class, this::copy)
            .onCloneFailed(this::release)
            .build();
  }

  @Override
  public void on(EventEnvelope event) {
    handlers.on(event);
  }

  /** The handlers, one per row of transfer-service in the saga table. */
  public SagaHandlers handlers() {
    return handlers;
  }

  private void copy(EventEnvelope event, MemoryFrozen frozen) {
    UUID cloneId = event.cloneId();
    VmId vm = new VmId(frozen.plan().sourceVm());
    long started = System.nanoTime();
    steps.on(event, SagaStep.COPY_STATE)
        // the copies are found by the clone id: nothing to record before them
        .undo(() -> hypervisor.release(cloneId))
        .run(() -> {
          // each clone's state to its own host; hosts side by side, one host's clones in order
          return HostCopies.run(frozen.plan(), i -> {
            CopiedState c = hypervisor.copyState(StepOperation.COPY.id(cloneId, i), vm, new HostName(frozen.plan().hostFor(i)));
            halt.reach(HaltPoints.DURING_COPY);
            return c;
          });
        })
        .emit((HostCopies.Outcome<CopiedState> copies) -> {
          List<CopiedImage> images = new ArrayList<>();
          copies.copied().forEach((i, c) -> {
            images.add(new CopiedImage(i, c.imageRef(), c.bytes(), c.pagesCopied(), c.zeroPagesSkipped(), c.checksum()));
            transfers.record(cloneId, i, vm, c);
          });
          return new StateCopied(frozen.plan(), frozen.baseRef(), images, (System.nanoTime() - started) / 1_000_000,
              copies.failures());
        });
  }

  private void release(EventEnvelope event, CloneFailed failed) {
    hypervisor.release(event.cloneId());
    steps.inTransaction(event, () -> transfers.released(event.cloneId()));
  }
}
