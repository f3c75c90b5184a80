package io.hotclone.support.messaging;

import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.EventEnvelope;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A service's handlers, subscribed by the saga table: one per row of {@link SagaTable#rowsOf} the
 * service, plus its compensation for {@link CloneFailed} when it holds something to undo. Building
 * fails when a row has no handler, a handler has no row, or a handler's event type is not its
 * row's. An event is dispatched by the row it starts; other types are ignored.
 */
public final class SagaHandlers implements SagaEventHandler {

  private final SagaService service;
  private final Map<SagaStep, BiConsumer<EventEnvelope, CloneEvent>> handlers;
  private final BiConsumer<EventEnvelope, CloneFailed> compensation;

  private SagaHandlers(
      SagaService service,
      Map<SagaStep, BiConsumer<EventEnvelope, CloneEvent>> handlers,
      BiConsumer<EventEnvelope, CloneFailed> compensation) {
    this.service = service;
    this.handlers = handlers;
    this.compensation = compensation;
  }

  public static Builder of(SagaService service) {
    return new Builder(service);
  }

  /** The steps handled: equal to {@code SagaTable.rowsOf(service)} by construction. */
  public Set<SagaStep> steps() {
    return Collections.unmodifiableSet(handlers.keySet());
  }

  /** Whether a {@code CloneFailed} is compensated. */
  public boolean compensates() {
    return compensation != null;
  }

  @Override
  public void on(EventEnvelope event) {
    if (event.payload() instanceof CloneFailed failed) {
      if (compensation != null) {
        compensation.accept(event, failed);
      }
      return;
    }
    SagaTable.stepOn(service, event.payload()).map(handlers::get).ifPresent(h -> h.accept(event, event.payload()));
  }

  /** Collects the handlers; {@link #build()} checks them against the table. */
  public static final class Builder {
    private final SagaService service;
    private final Map<SagaStep, BiConsumer<EventEnvelope, CloneEvent>> handlers = new EnumMap<>(SagaStep.class);
    private BiConsumer<EventEnvelope, CloneFailed> compensation;

    private Builder(SagaService service) {
      this.service = service;
    }

    /** Handles row {@code step}, whose event must be of {@code type}. */
    public <E extends CloneEvent> Builder on(SagaStep step, Class<E> type, BiConsumer<EventEnvelope, E> handler) {
      if (step.service() != service) {
        throw new IllegalStateException(step + " is a step of " + step.service() + ", not of " + service);
      }
      if (step.on().filter(t -> t == type).isEmpty()) {
        throw new IllegalStateException(step + " reacts to " + step.on().map(Class::getSimpleName).orElse("REST") + ", not to " + type.getSimpleName());
      }
      if (handlers.put(step, (e, p) -> handler.accept(e, type.cast(p))) != null) {
        throw new IllegalStateException(step + " has two handlers");
      }
      return this;
    }

    /** Undoes this service's steps of a clone that failed. */
    public Builder onCloneFailed(BiConsumer<EventEnvelope, CloneFailed> compensation) {
      this.compensation = compensation;
      return this;
    }

    public SagaHandlers build() {
      Set<SagaStep> rows = SagaTable.rowsOf(service);
      if (!rows.equals(handlers.keySet())) {
        throw new IllegalStateException(
            service.serviceName() + " handles " + handlers.keySet() + " but its rows are " + rows);
      }
      if (SagaTable.compensators().contains(service) != (compensation != null)) {
        throw new IllegalStateException(
            service.serviceName() + (compensation == null ? " holds something to undo but does not compensate" : " compensates but holds nothing"));
      }
      return new SagaHandlers(service, new EnumMap<>(handlers), compensation);
    }
  }
}
