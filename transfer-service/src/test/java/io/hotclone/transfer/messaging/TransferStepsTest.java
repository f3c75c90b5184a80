package io.hotclone.transfer.messaging;

import static io.hotclone.support.messaging.EmbeddedSaga.B;
import static io.hotclone.support.messaging.EmbeddedSaga.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.CopiedImage;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.StateCopied;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import io.hotclone.hypervisor.CopiedState;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.messaging.EmbeddedSaga;
import io.hotclone.support.messaging.FakeSagaLog;
import io.hotclone.support.messaging.StepOperation;
import io.hotclone.transfer.persistence.Transfers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy step on the embedded hypervisor, with the inbox, outbox and transfers in memory. */
class TransferStepsTest {

  @TempDir Path dir;
  private EmbeddedSaga saga;
  private EmbeddedHypervisor hv;
  private FakeSagaLog log;
  private final List<String> recorded = new ArrayList<>();
  private TransferSteps transfer;
  private VmId vm;
  private ClonePlan plan;
  private final UUID clone = UUID.randomUUID();

  @BeforeEach
  void start() {
    saga = new EmbeddedSaga(dir);
    hv = saga.hv();
    log = saga.log();
    vm = saga.vm();
    plan = saga.plan(2);
    Transfers transfers = new Transfers() {
      @Override
      public void record(UUID cloneId, int index, VmId source, CopiedState copy) {
        recorded.add("copy " + index + " " + source.value() + " " + copy.imageRef());
      }

      @Override
      public void released(UUID cloneId) {
        recorded.add("released " + cloneId);
      }
    };
    transfer = new TransferSteps(hv, saga.steps(), transfers, HaltPoints.none());
  }

  @AfterEach
  void close() {
    saga.close();
  }

  private boolean memoryFrozen() {
    return saga.memoryFrozen();
  }

  /** What storage-service and memory-service do first: both freezes, and memory's event. */
  private EventEnvelope memoryFrozenEvent() {
    saga.freezeStorage(clone);
    var m = saga.freezeMemory(clone);
    return EventEnvelope.of(clone, new MemoryFrozen(
        plan, m.baseRef(), m.cutAt(), 1L, m.tierOrder(), m.memoryBytes(), m.leaseUntil()), NOW);
  }

  @Test
  void its_handlers_cover_exactly_transfers_rows_of_the_saga_table_and_compensate() {
    assertThat(transfer.handlers().steps())
        .isEqualTo(SagaTable.rowsOf(SagaService.TRANSFER))
        .containsExactly(SagaStep.COPY_STATE);
    assertThat(transfer.handlers().compensates()).isTrue();
  }

  @Test
  void memory_frozen_copies_the_state_once_per_clone_and_emits_state_copied_with_each_image() {
    EventEnvelope event = memoryFrozenEvent();

    transfer.on(event);

    StateCopied copied = (StateCopied) log.onlyEvent();
    List<CopiedImage> expected = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      CopiedState c = hv.copyState(StepOperation.COPY.id(clone, i), vm, B); // same id: the first result
      expected.add(new CopiedImage(i, c.imageRef(), c.bytes(), c.pagesCopied(), c.zeroPagesSkipped(), c.checksum()));
    }
    assertThat(copied.plan()).isEqualTo(plan);
    assertThat(copied.baseRef()).isEqualTo(((MemoryFrozen) event.payload()).baseRef());
    assertThat(copied.images()).isEqualTo(expected);
    assertThat(copied.images().get(0).imageRef()).isNotEqualTo(copied.images().get(1).imageRef());
    assertThat(recorded).containsExactly(
        "copy 0 " + vm.value() + " " + expected.get(0).imageRef(), "copy 1 " + vm.value() + " " + expected.get(1).imageRef());
  }

  @Test
  void a_failed_copy_releases_what_the_clone_holds_and_emits_clone_failed_with_step_and_reason() {
    EventEnvelope event = memoryFrozenEvent();
    hv.failNextOperation(clone, "copy-1", "link down");

    transfer.on(event);

    assertThat(log.onlyEvent()).isEqualTo(new CloneFailed(plan, "copy-state", "driver-failure: link down"));
    assertThat(memoryFrozen()).as("release thaws the clone's freezes").isFalse();
    assertThat(recorded).isEmpty();
  }

  @Test
  void a_repeated_memory_frozen_does_nothing() {
    EventEnvelope event = memoryFrozenEvent();
    log.processed(event);

    transfer.on(event);

    assertThat(log.events()).isEmpty();
    assertThat(hv.operationCalls(clone)).doesNotContainKeys("copy-0", "copy-1");
  }

  @Test
  void clone_failed_releases_the_clone_on_the_hypervisor_and_marks_the_transfers_released() {
    memoryFrozenEvent();
    EventEnvelope failed = EventEnvelope.of(clone, new CloneFailed(plan, "unfreeze-memory", "x"), NOW);

    transfer.on(failed);

    assertThat(memoryFrozen()).isFalse();
    assertThat(recorded).containsExactly("released " + clone);
    assertThat(log.claimed(failed)).isTrue();
  }
}
