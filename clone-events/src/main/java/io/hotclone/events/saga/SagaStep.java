package io.hotclone.events.saga;

import io.hotclone.events.CloneCompleted;
import io.hotclone.events.CloneConfigured;
import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.MemoryFrozen;
import io.hotclone.events.MemoryUnfrozen;
import io.hotclone.events.StateCopied;
import io.hotclone.events.StorageFrozen;
import io.hotclone.events.StorageUnfrozen;
import java.util.Arrays;
import java.util.Optional;

/**
 * The clone saga, declared once: every step in the order the happy path runs it, with the service
 * that runs it, the event it reacts to, the event it emits and how it is undone. Services subscribe
 * their handlers by these rows ({@link SagaTable#rowsOf}); clone-api's phases follow them; the
 * README's architecture table is checked against them. Choreography stays: no service calls
 * another, each reacts to the event of its row. A {@code CloneFailed} from any step makes every
 * service run the undo of the steps it owns ({@link SagaTable#compensators()}).
 *
 * <p>{@link #wireName()} is part of the contracts (the {@code step} of {@code CloneFailed}, the
 * phase timings of the REST API, operation ids in the drivers' journals): it never changes.
 */
public enum SagaStep {
  /** The REST request, recorded with its plan. */
  REQUEST("request", SagaService.CLONE_API, null, CloneRequested.class, Undo.NOTHING),
  /** Claim step 1: the source's disks switched to a new overlay; the old top is the frozen base. */
  FREEZE_STORAGE("freeze-storage", SagaService.STORAGE, CloneRequested.class, StorageFrozen.class, Undo.THAW_STORAGE),
  /** Claim step 2: the source's memory frozen at the cut; the guest runs on into write buffers. */
  FREEZE_MEMORY("freeze-memory", SagaService.MEMORY, StorageFrozen.class, MemoryFrozen.class, Undo.THAW_MEMORY),
  /** Claim step 3: the frozen memory, vCPU and device state copied to the target, once per clone. */
  COPY_STATE("copy-state", SagaService.TRANSFER, MemoryFrozen.class, StateCopied.class, Undo.RELEASE_COPIES),
  /** Claim step 4: the write buffers merged back; the source's memory no longer frozen. */
  UNFREEZE_MEMORY("unfreeze-memory", SagaService.MEMORY, StateCopied.class, MemoryUnfrozen.class, Undo.THAW_MEMORY),
  /** Claim steps 5 and 7: the source's storage thawed, one storage pointer per clone. */
  UNFREEZE_STORAGE("unfreeze-storage", SagaService.STORAGE, MemoryUnfrozen.class, StorageUnfrozen.class, Undo.THAW_STORAGE),
  /** Claim step 6: each clone's identity, defined over its pointer and copied state, started. */
  CONFIGURE_CLONE("configure-clone", SagaService.CONFIG, StorageUnfrozen.class, CloneConfigured.class, Undo.DESTROY_CLONES),
  /** The operation recorded as completed and announced. */
  COMPLETE("complete", SagaService.CLONE_API, CloneConfigured.class, CloneCompleted.class, Undo.NOTHING);

  private final String wireName;
  private final SagaService service;
  private final Class<? extends CloneEvent> on;
  private final Class<? extends CloneEvent> emits;
  private final Undo undo;

  SagaStep(
      String wireName,
      SagaService service,
      Class<? extends CloneEvent> on,
      Class<? extends CloneEvent> emits,
      Undo undo) {
    this.wireName = wireName;
    this.service = service;
    this.on = on;
    this.emits = emits;
    this.undo = undo;
  }

  /** The step's name on the wire, e.g. {@code freeze-storage}. */
  public String wireName() {
    return wireName;
  }

  /** The service that runs the step. */
  public SagaService service() {
    return service;
  }

  /** The event the step reacts to; empty for {@link #REQUEST}, which a REST call starts. */
  public Optional<Class<? extends CloneEvent>> on() {
    return Optional.ofNullable(on);
  }

  /** The event the step emits when it succeeds. */
  public Class<? extends CloneEvent> emits() {
    return emits;
  }

  /** How the step is undone when the clone fails. */
  public Undo undo() {
    return undo;
  }

  /** The step called {@code wireName} on the wire, if any. */
  public static Optional<SagaStep> ofWireName(String wireName) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(wireName)).findFirst();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
