package io.hotclone.support.hypervisor;

import io.hotclone.hypervisor.FaultPoints;
import io.hotclone.hypervisor.HostName;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.embedded.EmbeddedHypervisor;
import io.hotclone.hypervisor.embedded.EmbeddedOptions;
import java.time.Duration;
import io.hotclone.support.metrics.TimedHypervisor;
import io.micrometer.tracing.Tracer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The {@link Hypervisor} of a service, unless a parent context already provides one (devstack shares
 * one embedded hypervisor between its five services). The embedded driver lives inside one JVM:
 * services in separate processes must use the libvirt driver. What the service injects is the
 * driver wrapped by {@link TimedHypervisor} (each call timed in this service's registry, and a span
 * of the current trace); the wrapper
 * neither owns nor closes the driver.
 */
@Configuration(proxyBeanMethods = false)
public class HypervisorConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(name = "hypervisor")
  Hypervisor hypervisor(HypervisorProperties properties, ObjectProvider<HaltPoints> halts) {
    return HypervisorFactory.create(properties, halts.getIfAvailable(HaltPoints::none));
  }

  @Bean(destroyMethod = "")
  @Primary
  Hypervisor timedHypervisor(
      @Qualifier("hypervisor") Hypervisor hypervisor,
      ObjectProvider<MeterRegistry> registry,
      ObjectProvider<Tracer> tracer) {
    MeterRegistry r = registry.getIfAvailable();
    return r == null ? hypervisor : TimedHypervisor.wrap(hypervisor, r, tracer.getIfAvailable());
  }

  /** Builds a driver from {@code hotclone.hypervisor.*}. */
  public static final class HypervisorFactory {
    private HypervisorFactory() {}

    public static Hypervisor create(HypervisorProperties p) {
      return create(p, FaultPoints.NONE);
    }

    /** With the points a crash-window test halts the driver at (the libvirt driver's clone start). */
    public static Hypervisor create(HypervisorProperties p, FaultPoints faults) {
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
          return LibvirtDrivers.create(p, faults);
        default:
          throw new IllegalArgumentException(
              "hotclone.hypervisor.driver must be 'embedded' or 'libvirt', not '" + p.getDriver() + "'");
      }
    }
  }
}
