package io.hotclone.config.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.VmIdentity;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdentityDerivationTest {

  private final UUID cloneId = UUID.fromString("11111111-2222-3333-4444-555555555555");

  @Test
  void sameInputsGiveTheSameIdentitySoARedeliveryConfiguresTheSameClone() {
    VmIdentity a = IdentityDerivation.derive("web", null, cloneId, 0, 0, "10.0.0.42", 24, "10.0.0.1");
    VmIdentity b = IdentityDerivation.derive("web", null, cloneId, 0, 0, "10.0.0.42", 24, "10.0.0.1");
    assertThat(a).isEqualTo(b);
  }

  @Test
  void everyIndexAndEveryRetryAttemptGetsItsOwnNameUuidMacSerialAndGenerationId() {
    Set<String> names = new HashSet<>();
    Set<UUID> uuids = new HashSet<>();
    Set<String> macs = new HashSet<>();
    Set<String> serials = new HashSet<>();
    Set<UUID> generations = new HashSet<>();
    int n = 0;
    for (int index = 0; index < 16; index++) {
      for (int attempt = 0; attempt < 3; attempt++) {
        VmIdentity id = IdentityDerivation.derive("web", null, cloneId, index, attempt, "10.0.0." + n++, 24, null);
        names.add(id.name());
        uuids.add(id.uuid());
        macs.add(id.mac());
        serials.add(id.smbiosSerial());
        generations.add(id.generationId());
      }
    }
    assertThat(names).hasSize(n);
    assertThat(uuids).hasSize(n);
    assertThat(macs).hasSize(n);
    assertThat(serials).hasSize(n);
    assertThat(generations).hasSize(n);
  }

  @Test
  void macIsALocallyAdministeredQemuAddressAndHostnameIsDnsSafe() {
    VmIdentity id = IdentityDerivation.derive("Web_Server.1", null, cloneId, 3, 0, "10.0.0.7", 24, null);
    assertThat(id.mac()).matches("52:54:00(:[0-9a-f]{2}){3}");
    assertThat(id.hostname()).matches("[a-z0-9-]+");
    assertThat(id.name()).startsWith("Web_Server.1-c11111111-3");
  }

  @Test
  void requestedNameIsKeptAndTheAllocatedIpConfigurationIsCarried() {
    VmIdentity id = IdentityDerivation.derive("web", "canary", cloneId, 0, 0, "10.1.2.3", 22, "10.1.0.1");
    assertThat(id.name()).isEqualTo("canary");
    assertThat(id.ip()).isEqualTo("10.1.2.3");
    assertThat(id.prefixLength()).isEqualTo(22);
    assertThat(id.gateway()).isEqualTo("10.1.0.1");
    assertThat(id.machineId()).isEqualTo(id.uuid().toString().replace("-", "")).hasSize(32);
  }
}
