package io.hotclone.events;

import java.util.Map;
import java.util.Optional;

/** The wire types. A type string is part of the contract; it never changes once published. */
public final class EventTypes {

  public static final String CLONE_REQUESTED = "CloneRequested";
  public static final String STORAGE_FROZEN = "StorageFrozen";
  public static final String MEMORY_FROZEN = "MemoryFrozen";
  public static final String STATE_COPIED = "StateCopied";
  public static final String MEMORY_UNFROZEN = "MemoryUnfrozen";
  public static final String STORAGE_UNFROZEN = "StorageUnfrozen";
  public static final String CLONE_CONFIGURED = "CloneConfigured";
  public static final String CLONE_COMPLETED = "CloneCompleted";
  public static final String CLONE_FAILED = "CloneFailed";

  private static final Map<String, Class<? extends CloneEvent>> BY_TYPE =
      Map.of(
          CLONE_REQUESTED, CloneRequested.class,
          STORAGE_FROZEN, StorageFrozen.class,
          MEMORY_FROZEN, MemoryFrozen.class,
          STATE_COPIED, StateCopied.class,
          MEMORY_UNFROZEN, MemoryUnfrozen.class,
          STORAGE_UNFROZEN, StorageUnfrozen.class,
          CLONE_CONFIGURED, CloneConfigured.class,
          CLONE_COMPLETED, CloneCompleted.class,
          CLONE_FAILED, CloneFailed.class);

  private EventTypes() {}

  /** The payload class of a wire type, empty for a type this version does not know. */
  public static Optional<Class<? extends CloneEvent>> payloadClass(String type) {
    return Optional.ofNullable(BY_TYPE.get(type));
  }

  /** The wire type of a payload. */
  public static String typeOf(CloneEvent event) {
    return typeOf(event.getClass());
  }

  /** The wire type of a payload class. */
  public static String typeOf(Class<? extends CloneEvent> payload) {
    for (Map.Entry<String, Class<? extends CloneEvent>> e : BY_TYPE.entrySet()) {
      if (e.getValue() == payload) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException("no wire type for " + payload);
  }
}
