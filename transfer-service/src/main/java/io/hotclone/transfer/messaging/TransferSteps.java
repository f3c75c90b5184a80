package io.hotclone.transfer.messaging;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.CopiedImage;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.StateCopied;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.messaging.SagaEventHandler;
import io.hotclone.support.messaging.SagaSteps;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Step 3: one copy of the frozen state per clone, each idempotent by {@code copy-<index>}. A failed
 * copy, or a {@code CloneFailed} from elsewhere, releases everything this clone id left on the
 * hypervisor (copied images, unused pointers, freezes).
 */
@Component
public class TransferSteps implements SagaEventHandler {

  static final String COPY = "copy-state";

  private final Hypervisor hypervisor;
  private final SagaSteps steps;
  private final JdbcTemplate jdbc;
  private final HaltPoints halt;

  public TransferSteps(Hypervisor hypervisor, SagaSteps steps, JdbcTemplate jdbc, HaltPoints halt) {
    this.hypervisor = hypervisor;
    this.steps = steps;
    this.jdbc = jdbc;
    this.halt = halt;
  }

  @Override
  public void on(EventEnvelope event) {
    if (event.payload() instanceof MemoryFrozen frozen) {
      copy(event, frozen);
    } else if (event.payload() instanceof CloneFailed) {
      release(event);
    }
  }

  private void copy(EventEnvelope event, MemoryFrozen frozen) {
    VmId vm = new VmId(frozen.plan().sourceVm());
    HostName target = new HostName(frozen.plan().targetHost());
    long started = System.nanoTime();
    steps.step(
        event,
        COPY,
        () -> {
          List<CopiedState> copies = new ArrayList<>();
          for (int i = 0; i < frozen.plan().count(); i++) {
            copies.add(hypervisor.copyState(OperationId.of(event.cloneId(), "copy", i), vm, target));
            halt.reach(HaltPoints.DURING_COPY);
          }
          return copies;
        },
        copies -> {
          List<CopiedImage> images = new ArrayList<>();
          for (int i = 0; i < copies.size(); i++) {
            CopiedState c = copies.get(i);
            images.add(new CopiedImage(i, c.imageRef(), c.bytes(), c.pagesCopied(), c.zeroPagesSkipped(), c.checksum()));
            record(event.cloneId(), i, vm, c);
          }
          return new StateCopied(
              frozen.plan(), frozen.baseRef(), images, (System.nanoTime() - started) / 1_000_000);
        },
        reason -> {},
        () -> hypervisor.release(event.cloneId()));
  }

  private void release(EventEnvelope event) {
    hypervisor.release(event.cloneId());
    steps.inTransaction(
        event,
        () ->
            jdbc.update(
                "UPDATE transfers SET released_at = now() WHERE clone_id = ? AND released_at IS NULL",
                event.cloneId()));
  }

  private void record(UUID cloneId, int index, VmId vm, CopiedState c) {
    jdbc.update(
        "INSERT INTO transfers (clone_id, clone_index, source_vm, target_host, image_ref, bytes,"
            + " pages_copied, zero_pages_skipped, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING",
        cloneId,
        index,
        vm.value(),
        c.target().value(),
        c.imageRef(),
        c.bytes(),
        c.pagesCopied(),
        c.zeroPagesSkipped(),
        c.checksum());
  }
}
