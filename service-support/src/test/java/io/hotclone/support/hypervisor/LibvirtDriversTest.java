package io.hotclone.support.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.libvirt.HostAuth;
import io.hotclone.hypervisor.libvirt.LibvirtOptions.MemoryFreezeMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

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

  private static Map<String, String> props(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static HypervisorProperties bind(Map<String, String> props) {
    return new Binder(new MapConfigurationPropertySource(props))
        .bind("hotclone.hypervisor", HypervisorProperties.class)
        .get();
  }

  @Test
  void credentialsAndPkiPathsBindPerHost() {
    HypervisorProperties p = bind(props(
        "hotclone.hypervisor.driver", "libvirt",
        "hotclone.hypervisor.hosts.host-a", "qemu+tcp://a/system",
        "hotclone.hypervisor.hosts.host-b", "qemu+tls://b/system",
        "hotclone.hypervisor.hosts.host-c", "qemu+tls://c/system",
        "hotclone.hypervisor.hosts.host-d", "qemu:///system",
        "hotclone.hypervisor.pki-path", "/run/secrets/libvirt-pki",
        "hotclone.hypervisor.credentials.host-a.username", "hotclone",
        "hotclone.hypervisor.credentials.host-a.password-file", "/run/secrets/libvirt-password",
        "hotclone.hypervisor.credentials.host-c.pki-path", "/etc/pki/host-c",
        "hotclone.hypervisor.credentials.host-c.username", "c-user",
        "hotclone.hypervisor.credentials.host-c.password-env", "HOST_C_PASSWORD"));
    Map<HostName, HostAuth> auth = LibvirtDrivers.hostAuth(p);
    Path global = Path.of("/run/secrets/libvirt-pki");
    assertThat(auth).containsExactly(
        Map.entry(new HostName("host-a"), new HostAuth("hotclone", Path.of("/run/secrets/libvirt-password"), null, global)),
        Map.entry(new HostName("host-b"), HostAuth.tls(global)),
        Map.entry(new HostName("host-c"), new HostAuth("c-user", null, "HOST_C_PASSWORD", Path.of("/etc/pki/host-c"))),
        Map.entry(new HostName("host-d"), HostAuth.tls(global)));
    assertThat(LibvirtDrivers.hostAuth(bind(Map.of("hotclone.hypervisor.hosts.host-a", "qemu:///system")))).isEmpty();
  }

  @Test
  void credentialsOfAnUnknownHostOrWithoutAPasswordAreConfigurationErrorsNamingTheHost() {
    assertThatThrownBy(() -> LibvirtDrivers.hostAuth(bind(Map.of(
            "hotclone.hypervisor.hosts.host-a", "qemu+tcp://a/system",
            "hotclone.hypervisor.credentials.host-x.username", "u",
            "hotclone.hypervisor.credentials.host-x.password-file", "/p"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hotclone.hypervisor.credentials.host-x");
    assertThatThrownBy(() -> LibvirtDrivers.hostAuth(bind(Map.of(
            "hotclone.hypervisor.hosts.host-a", "qemu+tcp://a/system",
            "hotclone.hypervisor.credentials.host-a.username", "u"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hotclone.hypervisor.credentials.host-a")
        .hasMessageContaining("no password");
  }

  @Test
  void anUnreachableHostAtStartUpIsAnErrorNamingTheHostItsUriAndTheReason() {
    Logger logger = (Logger) LoggerFactory.getLogger(LibvirtDrivers.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      LibvirtDrivers.reportUnreachable(List.of(
          new HostInfo(new HostName("host-a"), "libvirt", "qemu:///system", true, 1),
          new HostInfo(new HostName("host-b"), "libvirt", "qemu+tcp://b/system", false, 0, "authentication failed: authentication failed")));
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list).hasSize(1);
    assertThat(logs.list.get(0).getLevel()).isEqualTo(Level.ERROR);
    assertThat(logs.list.get(0).getFormattedMessage())
        .isEqualTo("libvirt host host-b at qemu+tcp://b/system is unreachable at start-up: authentication failed: authentication failed");
  }
}
