package io.hotclone.support.fault;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points inside the saga steps where a crash matters (for example "memory frozen, its
 * event not yet committed"). With {@code hotclone.fault.halt-at} naming a point, the thread that
 * reaches it logs {@link #MARKER} and the point's name and then blocks for good, holding whatever
 * the step holds, until the process is killed: the test's SIGKILL then lands exactly in that
 * window. Every other point, and every point when the property is unset, is a no-op.
 */
public final class HaltPoints {
  public static final String MARKER = "HOTCLONE-HALTED-AT";

  /** Memory-service received StorageFrozen (storage frozen and committed), before it does anything. */
  public static final String BEFORE_FREEZE_MEMORY = "before-freeze-memory";
  /** Memory frozen on the hypervisor, MemoryFrozen neither committed nor published. */
  public static final String MEMORY_FROZEN_UNPUBLISHED = "memory-frozen-unpublished";
  /** Transfer-service inside the copy step: the first image copied, the step not committed. */
  public static final String DURING_COPY = "during-copy";
  /** Memory-service received StateCopied (the copy committed), before memory is unfrozen. */
  public static final String BEFORE_UNFREEZE_MEMORY = "before-unfreeze-memory";
  /** Config-service defined the clone domain, before it starts it and emits CloneConfigured. */
  public static final String CLONE_DEFINED = "clone-defined";

  private static final Logger log = LoggerFactory.getLogger(HaltPoints.class);
  private final String haltAt;
  private final Sleeper sleeper;

  public HaltPoints(String haltAt) {
    this(haltAt, Thread::sleep);
  }

  /** {@code sleeper} is how a halted thread waits (a test's stand-in for {@link Thread#sleep}). */
  HaltPoints(String haltAt, Sleeper sleeper) {
    this.haltAt = haltAt == null ? "" : haltAt.trim();
    this.sleeper = sleeper;
  }

  public static HaltPoints none() {
    return new HaltPoints("");
  }

  /** Blocks for good when {@code point} is the configured one. */
  public void reach(String point) {
    if (haltAt.isEmpty() || !haltAt.equals(point)) {
      return;
    }
    log.warn("{} {} pid={}", MARKER, point, ProcessHandle.current().pid());
    while (true) {
      try {
        sleeper.sleep(60_000);
      } catch (InterruptedException e) {
        // a halted step never resumes: only SIGKILL ends it
      }
    }
  }

  /** Waits {@code millis}, or less when interrupted. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }
}
