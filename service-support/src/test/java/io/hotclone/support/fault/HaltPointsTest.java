package io.hotclone.support.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A halt point blocks for good, interrupts included, and says where in the log (the crash-window
 * tests wait for "HOTCLONE-HALTED-AT point" before they SIGKILL). The wait is a stand-in that
 * counts its calls: the first is interrupted, the third ends the test by throwing.
 */
class HaltPointsTest {

  /** Thrown by the stand-in sleeper to leave the halt loop; a halt point itself never returns. */
  private static final class Released extends RuntimeException {}

  private final List<Long> sleeps = new ArrayList<>();

  private void sleeper(long millis) throws InterruptedException {
    sleeps.add(millis);
    if (sleeps.size() == 1) {
      throw new InterruptedException("someone interrupts the halted thread");
    }
    if (sleeps.size() == 3) {
      throw new Released();
    }
  }

  @Test
  void the_configured_point_logs_the_marker_and_keeps_blocking_even_when_interrupted() {
    // given
    Logger log = (Logger) LoggerFactory.getLogger(HaltPoints.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    log.addAppender(captured);
    // when
    try {
      HaltPoints halts = new HaltPoints(" memory-frozen-unpublished ", true, this::sleeper);
      assertThatThrownBy(() -> halts.reach(HaltPoints.MEMORY_FROZEN_UNPUBLISHED)).isInstanceOf(Released.class);
    } finally {
      log.detachAppender(captured);
    }
    // then it slept on after the interrupt, a minute at a time, having said where it stopped
    assertThat(sleeps).containsExactly(60_000L, 60_000L, 60_000L);
    assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage).hasSize(2);
    assertThat(captured.list.get(0).getFormattedMessage()).as("the loud start-up warning").contains("TEST-ONLY FAULT INJECTION ON", "memory-frozen-unpublished");
    assertThat(captured.list.get(1).getFormattedMessage())
        .startsWith(HaltPoints.MARKER + " memory-frozen-unpublished pid=" + ProcessHandle.current().pid());
  }

  @Test
  void every_other_point_and_every_point_when_unset_passes_through() {
    new HaltPoints(HaltPoints.CLONE_DEFINED, true, this::sleeper).reach(HaltPoints.DURING_COPY);
    new HaltPoints("", true, this::sleeper).reach(HaltPoints.DURING_COPY);
    new HaltPoints(null, true, this::sleeper).reach("");
    HaltPoints.none().reach(HaltPoints.BEFORE_FREEZE_MEMORY);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void without_the_test_only_switch_a_configured_point_is_ignored_with_a_warning() {
    Logger log = (Logger) LoggerFactory.getLogger(HaltPoints.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    log.addAppender(captured);
    HaltPoints halts;
    try {
      halts = new HaltPoints(HaltPoints.DURING_COPY, false, this::sleeper);
    } finally {
      log.detachAppender(captured);
    }
    halts.reach(HaltPoints.DURING_COPY);
    assertThat(sleeps).as("the thread passed the point").isEmpty();
    assertThat(halts.haltAt()).isEmpty();
    assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
        .contains("is ignored", "hotclone.fault.test-only=true");
  }

  @Test
  void an_unknown_point_name_is_refused_whatever_the_switch() {
    assertThatThrownBy(() -> new HaltPoints("during-cpoy", true, this::sleeper))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'during-cpoy' is not a halt point");
    assertThatThrownBy(() -> new HaltPoints("during-cpoy", false, this::sleeper)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_driver_points_can_be_halted_at() {
    assertThat(HaltPoints.KNOWN).contains("start-restored", "start-links-down", "start-resumed", "start-identified");
    assertThat(new HaltPoints("start-resumed", true, this::sleeper).haltAt()).isEqualTo("start-resumed");
  }

  @Test
  void the_point_names_are_the_ones_the_crash_window_tests_configure() {
    assertThat(List.of(HaltPoints.BEFORE_FREEZE_MEMORY, HaltPoints.MEMORY_FROZEN_UNPUBLISHED, HaltPoints.DURING_COPY,
            HaltPoints.BEFORE_UNFREEZE_MEMORY, HaltPoints.CLONE_DEFINED))
        .containsExactly("before-freeze-memory", "memory-frozen-unpublished", "during-copy", "before-unfreeze-memory",
            "clone-defined");
  }

  @Test
  void a_point_written_to_the_arm_file_halts_a_running_process_and_removing_it_disarms(@TempDir Path dir) throws Exception {
    Path arm = dir.resolve("memory-service.halt-at");
    HaltPoints halts = new HaltPoints("", true, arm, this::sleeper);
    halts.reach(HaltPoints.DURING_COPY); // no file yet: passes
    Files.writeString(arm, HaltPoints.CLONE_DEFINED + "\n");
    halts.reach(HaltPoints.DURING_COPY); // another point: passes
    assertThat(sleeps).isEmpty();
    assertThatThrownBy(() -> halts.reach(HaltPoints.CLONE_DEFINED)).isInstanceOf(Released.class);
    assertThat(sleeps).hasSize(3);
    sleeps.clear();
    Files.delete(arm);
    halts.reach(HaltPoints.CLONE_DEFINED);
    Files.writeString(arm, " ");
    halts.reach(HaltPoints.CLONE_DEFINED);
    assertThat(sleeps).as("disarmed: nothing halts").isEmpty();
  }

  @Test
  void an_arm_file_without_the_test_only_switch_or_naming_no_point_halts_nothing(@TempDir Path dir) throws Exception {
    Path arm = dir.resolve("config-service.halt-at");
    Files.writeString(arm, HaltPoints.CLONE_DEFINED);
    new HaltPoints("", false, arm, this::sleeper).reach(HaltPoints.CLONE_DEFINED);
    Files.writeString(arm, "clone-defind");
    new HaltPoints("", true, arm, this::sleeper).reach(HaltPoints.CLONE_DEFINED);
    new HaltPoints("", true, arm, this::sleeper).reach("clone-defind");
    assertThat(sleeps).isEmpty();
  }
}
