package io.hotclone.devstack;

import static io.hotclone.devstack.TestStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import io.hotclone.support.hypervisor.HypervisorProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The whole saga — five services on real Kafka and PostgreSQL — hot-clones a real running QEMU
 * guest from one libvirt daemon (host-a) to another (host-b). Needs {@code scripts/libvirt/setup.sh}
 * (run by {@code scripts/test.sh}); runs in the {@code libvirt} profile.
 */
class LibvirtSagaIT {

  @Test
  void sagaHotClonesTheRunningGuestAcrossTwoLibvirtHosts() throws Exception {
    HypervisorProperties hv = new HypervisorProperties();
    hv.setDriver("libvirt");
    hv.getHosts().put("host-a", env("HOTCLONE_LIBVIRT_SOURCE_URI"));
    hv.getHosts().put("host-b", env("HOTCLONE_LIBVIRT_TARGET_URI"));
    hv.setStorageDir(Path.of(env("HOTCLONE_LIBVIRT_SHARED_DIR")));
    hv.getHostDirs().put("host-a", Path.of(env("HOTCLONE_LIBVIRT_HOST_A_DIR")));
    hv.getHostDirs().put("host-b", Path.of(env("HOTCLONE_LIBVIRT_HOST_B_DIR")));
    hv.setGuestDir(Path.of(env("HOTCLONE_GUEST_DIR")));

    Path data = Files.createTempDirectory("hotclone-libvirt-saga");
    try (DevStack stack = DevStack.start(DevStackSettings.withHypervisor(data, hv,
        Map.of("hotclone.api.operation-timeout", "120s")))) {
      TestStack.register(stack);
      Hypervisor h = stack.hypervisor();
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      VmInfo source = h.createVm(new VmSpec(new HostName("host-a"), "hc-saga-src-" + suffix, 128L << 20, 64L << 20));
      VmId clone = null;
      try {
        await("source guest to tick", Duration.ofSeconds(90), () -> h.requireVm(source.id()).guest().counter() >= 3);

        JsonNode op = TestStack.cloneAndWait(stack.apiPort(),
            "{\"sourceVm\":\"" + source.id() + "\",\"targetHost\":\"host-b\",\"count\":1,\"leaseMillis\":90000}",
            Duration.ofSeconds(150));
        assertThat(op.path("phase").asString()).as("operation %s", op).isEqualTo("COMPLETED");
        assertThat(op.path("sourcePauseMicros").asLong()).isPositive();
        clone = new VmId(op.path("clones").get(0).path("vmId").asString());

        VmInfo c = h.requireVm(clone);
        assertThat(c.host()).isEqualTo(new HostName("host-b"));
        assertThat(c.state()).isEqualTo(VmState.RUNNING);
        assertThat(c.identity().name()).isNotEqualTo(source.identity().name());
        assertThat(c.identity().uuid()).isNotEqualTo(source.identity().uuid());
        assertThat(c.identity().mac()).isNotEqualTo(source.identity().mac());
        // the clone's guest continues from the cut, not from 0, and both keep running
        VmId cloneId = clone;
        await("clone guest to tick", Duration.ofSeconds(60), () -> h.requireVm(cloneId).guest().counter() > 3);
        long sourceNow = h.requireVm(source.id()).guest().counter();
        await("source guest to keep ticking", Duration.ofSeconds(60),
            () -> h.requireVm(source.id()).guest().counter() > sourceNow);
        assertThat(get(stack, "/api/v1/vms/" + clone.value() + "/lineage").toString()).contains(source.id().value());
      } finally {
        if (clone != null) {
          h.destroyVm(clone);
        }
        h.destroyVm(source.id());
      }
    }
  }

  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set: run scripts/libvirt/setup.sh and source .work/libvirt.env");
    }
    return v;
  }

  private static JsonNode get(DevStack stack, String path) {
    return TestStack.send(stack.apiPort(), "GET", path, null, Map.of()).body();
  }
}
