package io.hotclone.api.lifecycle;

import io.hotclone.hypervisor.VmState;
import java.time.Instant;
import java.util.Optional;

/**
 * The meter of one VM as its read-model row holds it, and the rules of its events (pure). A VM's
 * meter is opened once and closed once; a state change is an event only while the meter is open.
 * A VM seen while the clone that makes it is still in progress is not opened by that sighting: the
 * clone's completion opens it ({@code cloned}), and a clone that never completes never bills.
 *
 * @param state the state last recorded (null: no row yet)
 * @param metered whether an opening event was published
 * @param endedAt when the closing event happened (null while the VM lives)
 * @param seq how many lifecycle events this VM has had; the next one's id derives from it
 */
public record VmMeter(String state, boolean metered, Instant endedAt, int seq) {

  /** No row yet. */
  public static final VmMeter NONE = new VmMeter(null, false, null, 0);

  /** Whether the VM's meter was closed: its row is final, later sightings are stale. */
  public boolean ended() {
    return endedAt != null;
  }

  public boolean open() {
    return metered && endedAt == null;
  }

  /** The event an explicit opening ({@code created} or {@code cloned}) publishes: none if already open. */
  public Optional<VmEventType> opening(VmEventType type) {
    if (!type.opens()) {
      throw new IllegalArgumentException(type + " does not open a meter");
    }
    return open() ? Optional.empty() : Optional.of(type);
  }

  /**
   * The event a sighting of the VM in {@code seen} state publishes: {@code discovered} for a VM not
   * metered (unless its making clone is in progress), {@code state-changed} for a metered one whose
   * state differs, none for an ended one (see {@link #ended()}) or an unchanged one.
   */
  public Optional<VmEventType> sighting(VmState seen, boolean makingCloneInProgress) {
    if (endedAt != null) {
      return Optional.empty(); // ended is final: a sighting listed before the end is stale
    }
    if (!metered) {
      return makingCloneInProgress ? Optional.empty() : Optional.of(VmEventType.DISCOVERED);
    }
    return seen != null && !seen.name().equals(state) ? Optional.of(VmEventType.STATE_CHANGED) : Optional.empty();
  }

  /** The event an ending ({@code deleted} or {@code gone}) publishes: none unless the meter is open. */
  public Optional<VmEventType> ending(VmEventType type) {
    if (!type.closes()) {
      throw new IllegalArgumentException(type + " does not close a meter");
    }
    return open() ? Optional.of(type) : Optional.empty();
  }
}
