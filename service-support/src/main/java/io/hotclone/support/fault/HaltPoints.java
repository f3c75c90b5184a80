package io.hotclone.support.fault;

import io.hotclone.hypervisor.FaultPoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points inside the saga steps (and, through {@link FaultPoints}, inside the driver's
 * operations) where a crash matters, for example "memory frozen, its event not yet committed".
 * With {@code hotclone.fault.halt-at} naming a point <em>and</em> the test-only switch {@code
 * hotclone.fault.test-only=true}, the thread that reaches it logs {@link #MARKER} and the point's
 * name and then blocks for good, holding whatever the step holds, until the process is killed: the
 * test's SIGKILL then lands exactly in that window. Every other point is a no-op.
 *
 * <p>Safety: a halt point set without the switch (a stray environment variable in production) is
 * ignored with a warning; with the switch, a loud warning is logged at start-up; an unknown point
 * name is refused at start-up whatever the switch says, so a typo never makes a test pass silently.
 */
public final class HaltPoints implements FaultPoints {
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

  /** Every point a service or its driver can halt at: the saga steps' and {@link FaultPoints#ALL}. */
  public static final List<String> KNOWN = known();

  private static final Logger log = LoggerFactory.getLogger(HaltPoints.class);
  private final String haltAt;
  /** With the switch: a file naming the point to halt at, read at every point reached (else null). */
  private final Path armFile;
  private final Sleeper sleeper;

  /**
   * @param haltAt the point to halt at (blank: none)
   * @param testOnly the test-only switch; without it {@code haltAt} is ignored
   * @throws IllegalArgumentException when {@code haltAt} names no known point
   */
  public HaltPoints(String haltAt, boolean testOnly) {
    this(haltAt, testOnly, null, Thread::sleep);
  }

  /**
   * @param armFile a file that arms a point while the process runs: while it names a point, every
   *     thread reaching that point halts there; absent or blank, nothing halts (besides {@code
   *     haltAt}). Read at every point reached, so a crash test arms and disarms a running service
   *     instead of restarting it. Ignored, with a warning, without {@code testOnly}; {@code null}: none
   */
  public HaltPoints(String haltAt, boolean testOnly, Path armFile) {
    this(haltAt, testOnly, armFile, Thread::sleep);
  }

  /** {@code sleeper} is how a halted thread waits (a test's stand-in for {@link Thread#sleep}). */
  HaltPoints(String haltAt, boolean testOnly, Sleeper sleeper) {
    this(haltAt, testOnly, null, sleeper);
  }

  HaltPoints(String haltAt, boolean testOnly, Path armFile, Sleeper sleeper) {
    String point = haltAt == null ? "" : haltAt.trim();
    if (!point.isEmpty() && !KNOWN.contains(point)) {
      throw new IllegalArgumentException("hotclone.fault.halt-at='" + point + "' is not a halt point; known: " + KNOWN);
    }
    if (!point.isEmpty() && !testOnly) {
      log.warn("hotclone.fault.halt-at={} is ignored: halt points work only with the test-only switch hotclone.fault.test-only=true", point);
      point = "";
    } else if (!point.isEmpty()) {
      log.warn("!!! TEST-ONLY FAULT INJECTION ON: a thread reaching '{}' blocks for good until this process is killed."
          + " Never run a service like this outside a crash test. !!!", point);
    }
    this.haltAt = point;
    if (armFile != null && !testOnly) {
      log.warn("hotclone.fault.arm-dir is ignored: halt points work only with the test-only switch hotclone.fault.test-only=true");
      armFile = null;
    } else if (armFile != null) {
      log.warn("!!! TEST-ONLY FAULT INJECTION ARMABLE: a point named in {} halts every thread reaching it until this process is killed."
          + " Never run a service like this outside a crash test. !!!", armFile);
    }
    this.armFile = armFile;
    this.sleeper = sleeper;
  }

  public static HaltPoints none() {
    return new HaltPoints("", false);
  }

  /** The point this process halts at, or "" when none. */
  public String haltAt() {
    return haltAt;
  }

  /** Blocks for good when {@code point} is the configured one. */
  @Override
  public void reach(String point) {
    boolean halt = !haltAt.isEmpty() && haltAt.equals(point);
    if (!halt && armFile != null) {
      String armed = armed();
      halt = !armed.isEmpty() && armed.equals(point);
    }
    if (!halt) {
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

  /** The point the arm file names now ("" when none, unreadable or not a known point). */
  private String armed() {
    String point;
    try {
      point = Files.readString(armFile).trim();
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      log.error("cannot read the halt-point arm file {}: {}", armFile, e.toString());
      return "";
    }
    if (!point.isEmpty() && !KNOWN.contains(point)) {
      log.error("{} names '{}', which is not a halt point (known: {}); nothing halts", armFile, point, KNOWN);
      return "";
    }
    return point;
  }

  private static List<String> known() {
    List<String> all = new ArrayList<>(List.of(BEFORE_FREEZE_MEMORY, MEMORY_FROZEN_UNPUBLISHED, DURING_COPY, BEFORE_UNFREEZE_MEMORY, CLONE_DEFINED));
    all.addAll(FaultPoints.ALL);
    return Collections.unmodifiableList(all);
  }

  /** Waits {@code millis}, or less when interrupted. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }
}
