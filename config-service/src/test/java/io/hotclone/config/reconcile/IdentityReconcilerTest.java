package io.hotclone.config.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.config.messaging.InMemoryIdentities;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.hypervisor.embedded.EmbeddedOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityReconcilerTest {

  private static final HostName A = new HostName("host-a");
  private static final HostName B = new HostName("host-b");

  @TempDir Path dir;

  @Test
  void running_vms_are_registered_and_identities_of_vms_gone_are_freed() {
    try (EmbeddedHypervisor hv = new EmbeddedHypervisor(dir, List.of(A, B), EmbeddedOptions.defaults())) {
      // given two VMs, one of which is then destroyed after a first reconciliation
      InMemoryIdentities identities = new InMemoryIdentities();
      IdentityReconciler reconciler = new IdentityReconciler(hv, identities);
      VmInfo kept = hv.createVm(new VmSpec(A, "kept", 1 << 20, 1 << 20));
      VmInfo gone = hv.createVm(new VmSpec(B, "gone", 1 << 20, 1 << 20));
      reconciler.reconcile();
      assertThat(identities.liveVmIds()).containsExactlyInAnyOrder(kept.id().value(), gone.id().value());
      hv.destroyVm(gone.id());
      // when
      reconciler.reconcile();
      // then
      assertThat(identities.liveVmIds()).containsExactly(kept.id().value());
    }
  }

  @Test
  void a_host_that_cannot_be_listed_neither_fails_the_reconciliation_nor_frees_its_identities() {
    try (EmbeddedHypervisor hv = new EmbeddedHypervisor(dir, List.of(A, B), EmbeddedOptions.defaults())) {
      InMemoryIdentities identities = new InMemoryIdentities();
      IdentityReconciler reconciler = new IdentityReconciler(hv, identities);
      VmInfo vm = hv.createVm(new VmSpec(B, "on-b", 1 << 20, 1 << 20));
      reconciler.reconcile();
      hv.setHostReachable(B, false);

      reconciler.reconcile();

      assertThat(identities.liveVmIds()).containsExactly(vm.id().value());
    }
  }
}
