package io.hotclone.support.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.hypervisor.embedded.EmbeddedOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimedHypervisorTest {

  @Test
  void every_call_is_timed_by_operation_and_outcome_and_typed_exceptions_pass_through() throws Exception {
    // given the embedded driver wrapped
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (EmbeddedHypervisor driver = new EmbeddedHypervisor(
        Files.createTempDirectory("timed"), List.of(new HostName("host-a")), EmbeddedOptions.defaults())) {
      Hypervisor timed = TimedHypervisor.wrap(driver, registry);
      // when
      timed.hosts();
      timed.hosts();
      assertThatThrownBy(() -> timed.requireVm(new VmId("no-such-vm"))).isInstanceOf(HypervisorException.VmNotFound.class);
      // then
      assertThat(registry.get(TimedHypervisor.METER).tags("operation", "hosts", "outcome", "success").timer().count())
          .isEqualTo(2);
      assertThat(registry.get(TimedHypervisor.METER).tags("operation", "requireVm", "outcome", "VmNotFound").timer().count())
          .isEqualTo(1);
    }
  }
}
