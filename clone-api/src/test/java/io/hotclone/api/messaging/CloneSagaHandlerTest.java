package io.hotclone.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Outcome;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.domain.Progress;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.lifecycle.VmLifecycle;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.EventTypes;
import io.hotclone.events.Requester;
import io.hotclone.events.StorageFrozen;
import io.hotclone.support.inbox.Inbox;
import io.hotclone.support.outbox.Outbox;
import io.hotclone.support.tracing.TraceContexts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.transaction.support.TransactionTemplate;

/** The handler's wiring: lock, claim, apply, save, act — with fakes of its own ports, no database. */
class CloneSagaHandlerTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant NOW = T0.plusSeconds(1);
  private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of("web"), 30_000);
  private static final ConfiguredClone CLONE =
      new ConfiguredClone(0, "vm-9", "web", "uuid-9", "52:54:00:00:00:09", "10.0.0.9", "web", "host-b", "ptr-9", 1);

  private final CloneOperations operations = mock(CloneOperations.class);
  private final VmLifecycle vms = mock(VmLifecycle.class);
  private final Inbox inbox = mock(Inbox.class);
  private final Outbox outbox = mock(Outbox.class);
  private final WaitingRequests waiting = mock(WaitingRequests.class);
  private final TransactionTemplate tx = io.hotclone.api.InlineTransactions.template();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private CloneSagaHandler handler;

  @BeforeEach
  void setUp() {
    handler = new CloneSagaHandler(
        operations, vms, inbox, new OperationOutcomes(outbox, new io.hotclone.api.publishing.PublicEvents(outbox, List.of()), new EventCodec()), new CloneMetrics(meters, operations),
        waiting, TraceContexts.none(), tx, Clock.fixed(NOW, ZoneOffset.UTC), List.of());
    when(inbox.claim(any())).thenReturn(true);
  }

  private static CloneOperation requested() {
    return CloneOperation.requested(ID, null, new Requester("alice", "t1", "k1"), PLAN, "golden", T0);
  }

  /** An operation served by its own saga, as the handler locks it. */
  private static List<CloneOperations.Member> alone(CloneOperation op) {
    return List.of(new CloneOperations.Member(op, 0, null, null));
  }

  private static EventEnvelope event(CloneEvent payload) {
    return new EventEnvelope(UUID.randomUUID(), EventTypes.typeOf(payload), ID, T0.plusMillis(10), 1, payload);
  }

  private double ended(String outcome) {
    var counter = meters.find("hotclone.clones.ended").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void a_step_event_saves_the_operation_it_leads_to_and_appends_nothing() {
    // given a requested operation
    when(operations.lockSaga(ID)).thenReturn(alone(requested()));
    EventEnvelope frozen = event(new StorageFrozen(PLAN, "base", "ptr", T0, T0.plusSeconds(30)));
    // when
    handler.on(frozen);
    // then
    ArgumentCaptor<CloneOperation> saved = ArgumentCaptor.forClass(CloneOperation.class);
    verify(operations).update(saved.capture());
    assertThat(saved.getValue()).isEqualTo(requested().apply(frozen, NOW).after());
    assertThat(saved.getValue().phase()).isEqualTo(Phase.STORAGE_FROZEN);
    verifyNoInteractions(outbox, vms);
  }

  @Test
  void clone_configured_records_the_clones_completes_and_announces_once() {
    // given storage unfrozen
    CloneOperation open = new CloneOperation(
        ID, requested().request(),
        new Progress(Phase.STORAGE_UNFROZEN, Map.of(Phase.REQUESTED, T0), T0, 850L, 42L),
        Outcome.OPEN);
    when(operations.lockSaga(ID)).thenReturn(alone(open));
    // when
    handler.on(event(new CloneConfigured(PLAN, List.of(CLONE))));
    // then the clone is in the read model, the operation completed, CloneCompleted and the CloudEvent appended
    // started when config-service said (the event's time), by the requester, with the request's labels
    verify(vms).cloned(CLONE, "vm-1", ID, "t1", java.util.Collections.emptySortedMap(), new Requester("alice", "t1", "k1"),
        T0.plusMillis(10));
    ArgumentCaptor<CloneOperation> saved = ArgumentCaptor.forClass(CloneOperation.class);
    verify(operations).update(saved.capture());
    assertThat(saved.getValue().phase()).isEqualTo(Phase.COMPLETED);
    assertThat(saved.getValue().outcome().clones()).containsExactly(CLONE);
    ArgumentCaptor<EventEnvelope> internal = ArgumentCaptor.forClass(EventEnvelope.class);
    verify(outbox).append(internal.capture());
    assertThat(internal.getValue().type()).isEqualTo(EventTypes.CLONE_COMPLETED);
    verify(outbox).appendRaw(any(), any(), anyString(), anyString(), anyString(), any());
    assertThat(ended("completed")).isEqualTo(1.0);
  }

  @Test
  void an_event_already_claimed_changes_nothing() {
    // given the inbox saw the event
    when(operations.lockSaga(ID)).thenReturn(alone(requested()));
    when(inbox.claim(any())).thenReturn(false);
    // when
    handler.on(event(new CloneFailed(PLAN, "freeze-storage", "disk busy")));
    // then
    verify(operations, never()).update(any());
    verifyNoInteractions(outbox, vms);
    assertThat(ended("failed")).isZero();
  }

  @Test
  void a_late_event_of_an_ended_operation_saves_and_appends_nothing() {
    // given a failed operation
    CloneOperation failed = requested().timeOut(T0.plusSeconds(60)).after();
    when(operations.lockSaga(ID)).thenReturn(alone(failed));
    // when its CloneConfigured arrives after all
    handler.on(event(new CloneConfigured(PLAN, List.of(CLONE))));
    // then nothing is saved, appended or counted
    verify(operations, never()).update(any());
    verifyNoInteractions(outbox, vms);
    assertThat(meters.find("hotclone.clones.ended").counters()).isEmpty();
  }

  @Test
  void a_clone_failed_fails_the_operation_and_publishes_without_a_second_clone_failed() {
    when(operations.lockSaga(ID)).thenReturn(alone(requested()));
    // when
    handler.on(event(new CloneFailed(PLAN, "freeze-storage", "disk busy")));
    // then
    ArgumentCaptor<CloneOperation> saved = ArgumentCaptor.forClass(CloneOperation.class);
    verify(operations).update(saved.capture());
    assertThat(saved.getValue().phase()).isEqualTo(Phase.FAILED);
    verify(outbox, never()).append(any());
    verify(outbox).appendRaw(any(), any(), anyString(), anyString(), anyString(), any());
    assertThat(meters.find("hotclone.clones.ended").tag("failed_step", "freeze-storage").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void events_of_unknown_clones_are_ignored_before_the_inbox() {
    when(operations.lockSaga(ID)).thenReturn(List.of());
    handler.on(event(new CloneFailed(PLAN, "freeze-storage", "disk busy")));
    verifyNoInteractions(inbox, outbox, vms);
  }

  private static ConfiguredClone clone(int index, String host) {
    return new ConfiguredClone(index, "vm-" + index, "web-" + index, "uuid-" + index, "52:54:00:00:00:0" + index,
        "10.0.0." + index, "web-" + index, host, "ptr-" + index, 1);
  }

  private static CloneOperations.Member member(int offset, int count) {
    ClonePlan plan = new ClonePlan("vm-1", "host-a", null, count, List.of(), 30_000, null,
        java.util.Collections.nCopies(count, "host-b"), true, false);
    CloneOperation op = CloneOperation.requested(UUID.randomUUID(), null, new io.hotclone.events.Requester("alice", "t1", "k1"),
        plan, "golden", T0);
    return new CloneOperations.Member(op, offset, null, null);
  }

  @Test
  void a_partial_sagas_clone_configured_gives_each_member_its_clones_and_failures_by_index() {
    io.hotclone.events.FailedClone failed = new io.hotclone.events.FailedClone(1, "host-b", "start", "no CPU left");
    EventEnvelope event = EventEnvelope.of(ID, new CloneConfigured(PLAN,
        List.of(clone(0, "host-b"), clone(2, "host-b"), clone(3, "host-b")), List.of(failed)), T0);

    CloneConfigured first = (CloneConfigured) CloneSagaHandler.slice(event, member(0, 2)).payload();
    CloneConfigured second = (CloneConfigured) CloneSagaHandler.slice(event, member(2, 2)).payload();

    assertThat(first.clones()).extracting(ConfiguredClone::index).containsExactly(0);
    assertThat(first.failures()).containsExactly(failed);
    assertThat(second.clones()).extracting(ConfiguredClone::index).containsExactly(2, 3);
    assertThat(second.failures()).isEmpty();
  }
}
