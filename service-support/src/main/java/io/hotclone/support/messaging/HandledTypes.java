package io.hotclone.support.messaging;

import io.hotclone.events.EventTypes;
import io.hotclone.events.saga.SagaService;
import io.hotclone.events.saga.SagaStep;
import io.hotclone.events.saga.SagaTable;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The wire types of the saga events a service acts on, read from the saga table: the event of each
 * of its rows, and {@code CloneFailed} when it compensates — exactly what {@link SagaHandlers}
 * dispatches. Every service's consumer receives every event of the topic; the others it can skip
 * by the record's {@code hotclone_type} header, without decoding them. clone-api follows every
 * event, and a name that is not a saga service's gets every event too.
 */
public final class HandledTypes {

  private HandledTypes() {}

  /** The types {@code serviceName} acts on; empty: all of them. */
  public static Optional<Set<String>> of(String serviceName) {
    Optional<SagaService> service =
        Arrays.stream(SagaService.values()).filter(s -> s.serviceName().equals(serviceName)).findFirst();
    if (service.isEmpty() || service.get() == SagaService.CLONE_API) {
      return Optional.empty();
    }
    Set<String> types = new TreeSet<>();
    for (SagaStep step : SagaTable.rowsOf(service.get())) {
      step.on().map(EventTypes::typeOf).ifPresent(types::add);
    }
    if (SagaTable.compensators().contains(service.get())) {
      types.add(EventTypes.CLONE_FAILED);
    }
    return Optional.of(Set.copyOf(types));
  }

  /** {@link #of} as a test on a record's type header. */
  public static Predicate<String> filter(String serviceName) {
    return of(serviceName).<Predicate<String>>map(types -> types::contains).orElse(type -> true);
  }
}
