package io.hotclone.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.hotclone.api.ApiProperties;
import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.persistence.CloneOperations;
import io.hotclone.api.persistence.CloneOperations.Member;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.Requester;
import io.hotclone.events.StorageFrozen;
import io.hotclone.support.outbox.Outbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.transaction.support.TransactionTemplate;

/** The watchdog's timeouts of a saga that serves several requests, and of a request still waiting. */
class OperationWatchdogTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant NOW = T0.plusSeconds(120);
  private static final UUID LEADER = UUID.fromString("11111111-0000-0000-0000-000000000001");
  private static final UUID RIDER = UUID.fromString("11111111-0000-0000-0000-000000000002");
  private static final ClonePlan PLAN = new ClonePlan("vm-1", "host-a", "host-b", 1, List.of(), 30_000);

  private final CloneOperations operations = mock(CloneOperations.class);
  private final Outbox outbox = mock(Outbox.class);
  private final WaitingRequests waiting = mock(WaitingRequests.class);
  private final TransactionTemplate tx = io.hotclone.api.InlineTransactions.template();
  private OperationWatchdog watchdog;

  @BeforeEach
  void setUp() {
    ApiProperties properties = new ApiProperties(Duration.ofSeconds(60), Duration.ofMillis(100), 256, 64,
        Duration.ofSeconds(2), 16384, true);
    watchdog = new OperationWatchdog(operations, new OperationOutcomes(outbox, new io.hotclone.api.publishing.PublicEvents(outbox, List.of()), new EventCodec()),
        new CloneMetrics(new SimpleMeterRegistry(), operations), waiting, tx, Clock.fixed(NOW, ZoneOffset.UTC),
        properties);
  }

  private static CloneOperation requested(UUID id, Instant at) {
    return CloneOperation.requested(id, null, new Requester("alice", "t1", "k1"), PLAN, "golden", at);
  }

  /** {@code op} served by saga {@code saga}, its storage frozen. */
  private static CloneOperation frozenIn(CloneOperation op, UUID saga) {
    CloneOperation served = new CloneOperation(op.id(), op.request(), op.progress(), op.outcome(), saga);
    return served.apply(EventEnvelope.of(saga, new StorageFrozen(PLAN, "base", "ptr", T0, T0), T0), T0).after();
  }

  @Test
  void an_overdue_coalesced_saga_fails_every_request_it_serves_and_tells_the_services_once() {
    // given a saga of two requests, the second (still within its own timeout) is swept first
    CloneOperation leader = frozenIn(requested(LEADER, T0), LEADER);
    CloneOperation rider = frozenIn(requested(RIDER, T0.plusSeconds(1)), LEADER);
    when(operations.overdue(any(), anyInt())).thenReturn(List.of(RIDER));
    when(operations.find(RIDER)).thenReturn(Optional.of(rider));
    when(operations.lockSaga(LEADER)).thenReturn(List.of(new Member(leader, 0, null, null), new Member(rider, 1, null, "tp")));
    // when
    watchdog.sweep();
    // then both end FAILED, in the step under way
    ArgumentCaptor<CloneOperation> saved = ArgumentCaptor.forClass(CloneOperation.class);
    verify(operations, times(2)).update(saved.capture());
    assertThat(saved.getAllValues()).extracting(CloneOperation::id).containsExactly(LEADER, RIDER);
    assertThat(saved.getAllValues()).allSatisfy(op -> {
      assertThat(op.phase()).isEqualTo(Phase.FAILED);
      assertThat(op.outcome().failure().step()).isEqualTo("freeze-memory");
    });
    // one internal CloneFailed, keyed by the saga, with the saga's plan (both requests' clones)
    ArgumentCaptor<EventEnvelope> internal = ArgumentCaptor.forClass(EventEnvelope.class);
    verify(outbox).append(internal.capture());
    assertThat(internal.getValue().cloneId()).isEqualTo(LEADER);
    assertThat(((CloneFailed) internal.getValue().payload()).plan().count()).isEqualTo(2);
    // a public failed event for each request
    ArgumentCaptor<UUID> keys = ArgumentCaptor.forClass(UUID.class);
    verify(outbox, times(2)).appendRaw(any(), keys.capture(), anyString(), anyString(), anyString(), any());
    assertThat(keys.getAllValues()).containsExactly(LEADER, RIDER);
    // the source is no longer frozen by them: the requests waiting for it go next
    verify(waiting).dispatch("vm-1", NOW);
  }

  @Test
  void an_overdue_waiting_request_fails_alone_and_tells_no_service() {
    CloneOperation held = requested(RIDER, T0).held();
    when(operations.overdue(any(), anyInt())).thenReturn(List.of(RIDER));
    when(operations.find(RIDER)).thenReturn(Optional.of(held));
    when(operations.lock(RIDER)).thenReturn(Optional.of(held));
    watchdog.sweep();
    ArgumentCaptor<CloneOperation> saved = ArgumentCaptor.forClass(CloneOperation.class);
    verify(operations).update(saved.capture());
    assertThat(saved.getValue().phase()).isEqualTo(Phase.FAILED);
    assertThat(saved.getValue().outcome().failure().reason()).isEqualTo("timed out in phase REQUESTED");
    verify(outbox, never()).append(any());
    verify(outbox).appendRaw(any(), any(), anyString(), anyString(), anyString(), any());
    verify(waiting, never()).dispatch(any(), any());
  }
}
