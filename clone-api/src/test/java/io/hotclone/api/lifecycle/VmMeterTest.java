package io.hotclone.api.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.VmState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VmMeterTest {

  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");
  private static final VmMeter OPEN_RUNNING = new VmMeter("RUNNING", true, null, 1);
  private static final VmMeter ENDED = new VmMeter("GONE", true, T, 2);
  private static final VmMeter SEEN_NOT_METERED = new VmMeter("RUNNING", false, null, 0);

  @Test
  void a_new_vm_is_opened_once_by_its_creation_or_its_clone() {
    assertThat(VmMeter.NONE.opening(VmEventType.CREATED)).contains(VmEventType.CREATED);
    assertThat(SEEN_NOT_METERED.opening(VmEventType.CLONED)).contains(VmEventType.CLONED);
    // when it is open already, a repeat opens nothing
    assertThat(OPEN_RUNNING.opening(VmEventType.CLONED)).isEmpty();
    assertThat(OPEN_RUNNING.opening(VmEventType.CREATED)).isEmpty();
  }

  @Test
  void a_vm_first_seen_is_discovered_unless_the_clone_that_makes_it_is_in_progress() {
    assertThat(VmMeter.NONE.sighting(VmState.RUNNING, false)).contains(VmEventType.DISCOVERED);
    assertThat(VmMeter.NONE.sighting(VmState.RUNNING, true)).isEmpty();
    assertThat(SEEN_NOT_METERED.sighting(VmState.RUNNING, true)).isEmpty();
    // the clone ended without opening it (a target left behind): the next sighting bills it
    assertThat(SEEN_NOT_METERED.sighting(VmState.RUNNING, false)).contains(VmEventType.DISCOVERED);
  }

  @Test
  void a_metered_vm_changes_state_only_when_the_state_differs() {
    assertThat(OPEN_RUNNING.sighting(VmState.PAUSED, false)).contains(VmEventType.STATE_CHANGED);
    assertThat(OPEN_RUNNING.sighting(VmState.RUNNING, false)).isEmpty();
    assertThat(OPEN_RUNNING.sighting(null, false)).isEmpty();
  }

  @Test
  void an_ended_vm_stays_ended_whatever_is_seen_later() {
    assertThat(ENDED.ended()).isTrue();
    assertThat(ENDED.sighting(VmState.RUNNING, false)).isEmpty();
    assertThat(ENDED.ending(VmEventType.GONE)).isEmpty();
    assertThat(ENDED.ending(VmEventType.DELETED)).isEmpty();
  }

  @Test
  void only_an_open_meter_is_closed() {
    assertThat(OPEN_RUNNING.ending(VmEventType.DELETED)).contains(VmEventType.DELETED);
    assertThat(OPEN_RUNNING.ending(VmEventType.GONE)).contains(VmEventType.GONE);
    // a clone target that never completed was never billed: its loss closes nothing
    assertThat(SEEN_NOT_METERED.ending(VmEventType.GONE)).isEmpty();
  }

  @Test
  void openings_and_endings_are_not_confused() {
    assertThatThrownBy(() -> VmMeter.NONE.opening(VmEventType.DELETED)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OPEN_RUNNING.ending(VmEventType.CREATED)).isInstanceOf(IllegalArgumentException.class);
  }
}
