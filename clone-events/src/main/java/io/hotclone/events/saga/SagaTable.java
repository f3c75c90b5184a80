package io.hotclone.events.saga;

import io.hotclone.events.CloneEvent;
import io.hotclone.events.EventTypes;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the saga declared by {@link SagaStep}: the rows of a service, the step an event starts in
 * a service, the path from {@code CloneRequested} to {@code CloneCompleted}, and who compensates.
 */
public final class SagaTable {

  private SagaTable() {}

  /** Every step in the order the happy path runs them. */
  public static List<SagaStep> path() {
    return List.of(SagaStep.values());
  }

  /** The steps {@code service} runs, in path order. */
  public static Set<SagaStep> rowsOf(SagaService service) {
    EnumSet<SagaStep> rows = EnumSet.noneOf(SagaStep.class);
    Arrays.stream(SagaStep.values()).filter(s -> s.service() == service).forEach(rows::add);
    return rows;
  }

  /** The step {@code service} runs when an event of {@code type} arrives, if any. */
  public static Optional<SagaStep> stepOn(SagaService service, Class<? extends CloneEvent> type) {
    return Arrays.stream(SagaStep.values())
        .filter(s -> s.service() == service && s.on().filter(t -> t == type).isPresent())
        .findFirst();
  }

  /** The step {@code service} runs for an event whose payload is {@code event}, if any. */
  public static Optional<SagaStep> stepOn(SagaService service, CloneEvent event) {
    return stepOn(service, event.getClass());
  }

  /**
   * The services that undo something when a {@code CloneFailed} arrives: those owning a step whose
   * undo is not {@link Undo#NOTHING}. (clone-api records the failure; it holds nothing to undo.)
   */
  public static Set<SagaService> compensators() {
    EnumSet<SagaService> services = EnumSet.noneOf(SagaService.class);
    Arrays.stream(SagaStep.values()).filter(s -> s.undo() != Undo.NOTHING).forEach(s -> services.add(s.service()));
    return services;
  }

  /**
   * The table as the README's "reacts to → emits" column writes it for {@code service}, e.g.
   * {@code `CloneRequested` → `StorageFrozen`; `MemoryUnfrozen` → `StorageUnfrozen`}.
   */
  public static String reactions(SagaService service) {
    return rowsOf(service).stream()
        .map(s -> (s.on().isPresent() ? "`" + wireType(s.on().get()) + "`" : "REST") + " → `" + wireType(s.emits()) + "`")
        .reduce((a, b) -> a + "; " + b)
        .orElse("");
  }

  private static String wireType(Class<? extends CloneEvent> type) {
    return EventTypes.typeOf(type);
  }
}
