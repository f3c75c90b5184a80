package io.hotclone.support.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.libvirt.LibvirtOptions.MemoryFreezeMethod;
import org.junit.jupiter.api.Test;

class LibvirtDriversTest {

  @Test
  void memoryFreezeIsLiveUnlessConfigured() {
    assertThat(LibvirtDrivers.memoryFreeze(new HypervisorProperties().getMemoryFreeze())).isEqualTo(MemoryFreezeMethod.LIVE_SNAPSHOT);
  }

  @Test
  void memoryFreezeTakesTheShortAndTheEnumNames() {
    assertThat(LibvirtDrivers.memoryFreeze("background")).isEqualTo(MemoryFreezeMethod.BACKGROUND_SNAPSHOT);
    assertThat(LibvirtDrivers.memoryFreeze("AUTO")).isEqualTo(MemoryFreezeMethod.AUTO);
    assertThat(LibvirtDrivers.memoryFreeze("live-snapshot")).isEqualTo(MemoryFreezeMethod.LIVE_SNAPSHOT);
    assertThatThrownBy(() -> LibvirtDrivers.memoryFreeze("fast")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fast");
  }
}
