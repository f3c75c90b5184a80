package io.hotclone.hypervisor.embedded;

import static io.hotclone.hypervisor.embedded.EmbeddedFixture.A;
import static io.hotclone.hypervisor.embedded.EmbeddedFixture.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.HostCapacity;
import io.hotclone.hypervisor.HypervisorException;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link EmbeddedHypervisor#capacity}: a host's set memory, minus the memory of its VMs. */
class EmbeddedCapacityTest {
  private final EmbeddedFixture f = new EmbeddedFixture();
  private final EmbeddedHypervisor hv = f.hv;

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void capacityCountsTheMemoryOfTheHostsVmsUntilTheyAreDestroyed() {
    hv.setHostMemory(A, 8L << 20);
    VmId one = hv.createVm(new VmSpec(A, "one", 1 << 20, 1 << 20)).id();
    hv.createVm(new VmSpec(A, "two", 2 << 20, 1 << 20));

    assertThat(hv.capacity(A)).isEqualTo(new HostCapacity(A, 8L << 20, 5L << 20, 3L << 20, 2));
    assertThat(hv.capacity(B))
        .isEqualTo(new HostCapacity(B, EmbeddedHypervisor.DEFAULT_HOST_MEMORY_BYTES,
            EmbeddedHypervisor.DEFAULT_HOST_MEMORY_BYTES, 0, 0));

    hv.destroyVm(one);

    assertThat(hv.capacity(A)).isEqualTo(new HostCapacity(A, 8L << 20, 6L << 20, 2L << 20, 1));
  }

  @Test
  void anUnreachableHostHasNoCapacityToReport() {
    hv.setHostReachable(B, false);

    assertThatThrownBy(() -> hv.capacity(B)).isInstanceOf(HypervisorException.HostUnreachable.class);
  }
}
