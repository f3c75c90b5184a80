package io.hotclone.events.saga;

/**
 * How a step is undone when the clone fails after (or while) it ran. Each undo is safe to repeat
 * and safe when the step never took effect; the service that owns the step registers it before
 * the step's effect starts (a freeze lease, an identity allocation), so a crash in between still
 * leaves something that knows what to release.
 */
public enum Undo {
  /** The step holds nothing (the request, the completion). */
  NOTHING("nothing held"),
  /** Thaw the source's storage: the disk chain as before the freeze (lease in storage-service). */
  THAW_STORAGE("thaw the source's storage"),
  /** Thaw the source's memory: the guest runs on, buffers merged or dropped (lease in memory-service). */
  THAW_MEMORY("thaw the source's memory"),
  /** Release every copied image and unused pointer of the clone on the hypervisor. */
  RELEASE_COPIES("release copied images"),
  /** Destroy the clones this step defined and retire their identities. */
  DESTROY_CLONES("destroy the clones made, retire their identities");

  private final String description;

  Undo(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
