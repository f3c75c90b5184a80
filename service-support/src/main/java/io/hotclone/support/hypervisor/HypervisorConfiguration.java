package io.hotclone.support.hypervisor;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.hypervisor.embedded.EmbeddedOptions;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link Hypervisor} of a service, unless a parent context already provides one (devstack shares
 * one embedded hypervisor between its five services). The embedded driver lives inside one JVM:
 * services in separate processes must use the libvirt driver.
 */
@Configuration(proxyBeanMethods = false)
public class HypervisorConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Hypervisor.class)
  Hypervisor hypervisor(HypervisorProperties properties) {
    return HypervisorFactory.create(properties);
  }

  /** Builds a driver from {@code hotclone.hypervisor.*}. */
  public static final class HypervisorFactory {
    private HypervisorFactory() {}

    public static Hypervisor create(HypervisorProperties p) {
      List<HostName> hosts =
          p.getHosts().isEmpty()
              ? List.of(new HostName("host-a"), new HostName("host-b"))
              : p.getHosts().keySet().stream().map(HostName::new).toList();
      switch (p.getDriver()) {
        case "embedded":
          return new EmbeddedHypervisor(
              p.getStorageDir(),
              hosts,
              EmbeddedOptions.defaults()
                  .withTickInterval(Duration.ofMillis(p.getGuestTickMillis()))
                  .withDigests(p.isRecordCutDigests()));
        case "libvirt":
          return LibvirtDrivers.create(p);
        default:
          throw new IllegalArgumentException(
              "hotclone.hypervisor.driver must be 'embedded' or 'libvirt', not '" + p.getDriver() + "'");
      }
    }
  }
}
