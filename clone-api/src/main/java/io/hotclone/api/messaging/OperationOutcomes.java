package io.hotclone.api.messaging;

import io.hotclone.api.publishing.PublicCloudEvent;
import io.hotclone.api.publishing.PublicEvents;
import io.hotclone.api.domain.Action;
import io.hotclone.api.domain.Change;
import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Failure;
import io.hotclone.events.CloneCompleted;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.ConfiguredClone;
import io.hotclone.events.EventCodec;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.EventTypes;
import io.hotclone.support.outbox.Outbox;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Turns the actions of a transition into outbox rows, in the caller's transaction: the internal
 * {@code CloneCompleted} / {@code CloneFailed} saga events and the public lifecycle CloudEvents. The
 * ids of the events are derived from the clone id, so an outcome can be appended only once.
 */
@Component
public class OperationOutcomes {

  private final Outbox outbox;
  private final PublicEvents publicEvents;
  private final LifecycleCloudEvents cloudEvents;

  public OperationOutcomes(Outbox outbox, PublicEvents publicEvents, EventCodec codec) {
    this.outbox = outbox;
    this.publicEvents = publicEvents;
    this.cloudEvents = new LifecycleCloudEvents(codec.mapper());
  }

  /** Appends the public {@code requested} CloudEvent of a new operation. */
  public void requested(CloneOperation op) {
    append(cloudEvents.requested(op), op);
  }

  /**
   * Appends what {@code change} asks for: the public lifecycle events from the operation it led to,
   * and — if that operation {@link CloneOperation#leadsSaga leads its saga} — the saga's internal
   * events, from the saga seen as one operation ({@link CloneOperation#asSaga}: {@code sagaPlan},
   * and {@code sagaClones} unless null). A request that shares another's saga, or still waits,
   * speaks for no saga.
   */
  public void apply(Change change, ClonePlan sagaPlan, List<ConfiguredClone> sagaClones, Instant now) {
    CloneOperation saga = change.after().leadsSaga() ? change.after().asSaga(sagaPlan, sagaClones) : null;
    if (saga != null && change.has(Action.EMIT_CLONE_COMPLETED)) {
      CloneCompleted completed =
          new CloneCompleted(
              saga.plan(),
              saga.outcome().clones(),
              saga.progress().stepMillis(),
              orZero(saga.totalMillis()),
              saga.progress().sourcePauseMicros(),
              orZero(saga.progress().freezeMillis()));
      outbox.append(envelope(saga.id(), EventTypes.CLONE_COMPLETED, completed, now));
    }
    if (saga != null && change.has(Action.EMIT_CLONE_FAILED)) {
      Failure failure = saga.outcome().failure();
      CloneFailed failed = new CloneFailed(saga.plan(), failure.step(), failure.reason());
      outbox.append(envelope(saga.id(), EventTypes.CLONE_FAILED, failed, now));
    }
    CloneOperation op = change.after();
    if (change.has(Action.PUBLISH_COMPLETED)) {
      append(cloudEvents.completed(op, now), op);
    }
    if (change.has(Action.PUBLISH_FAILED)) {
      append(cloudEvents.failed(op, now), op);
    }
  }

  private void append(PublicCloudEvent event, CloneOperation op) {
    publicEvents.append(event, op.id(), op.tenant());
  }

  private static EventEnvelope envelope(UUID cloneId, String type, io.hotclone.events.CloneEvent payload, Instant now) {
    UUID id = LifecycleCloudEvents.eventId(cloneId, "internal/" + type);
    return new EventEnvelope(id, type, cloneId, now, EventEnvelope.SCHEMA_VERSION, payload);
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
