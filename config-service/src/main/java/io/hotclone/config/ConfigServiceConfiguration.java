package io.hotclone.config;

import io.hotclone.config.domain.IpPools;
import io.hotclone.config.messaging.ConfigSteps;
import io.hotclone.config.persistence.Identities;
import io.hotclone.config.persistence.Lineage;
import io.hotclone.config.reconcile.IdentityReconciler;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.messaging.SagaSteps;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Wiring of config-service: the IP pools (checked valid and disjoint at start-up), the configure
 * step, and the identity reconciler, run at start-up and then periodically ({@link Schedule}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConfigProperties.class)
public class ConfigServiceConfiguration {

  @Bean
  IpPools ipPools(ConfigProperties properties) {
    return new IpPools(properties.pools());
  }

  @Bean
  ConfigSteps configSteps(
      Hypervisor hypervisor,
      SagaSteps steps,
      Identities identities,
      Lineage lineage,
      HaltPoints halt,
      IpPools pools,
      ConfigProperties properties) {
    return new ConfigSteps(hypervisor, steps, identities, lineage, halt, pools, properties.defaultPolicy(), properties.startParallelism());
  }

  @Bean
  IdentityReconciler identityReconciler(Hypervisor hypervisor, Identities identities) {
    return new IdentityReconciler(hypervisor, identities);
  }

  /** When the reconciler runs: once the application is ready, then every few seconds. */
  @Configuration(proxyBeanMethods = false)
  static class Schedule {
    private final IdentityReconciler reconciler;

    Schedule(IdentityReconciler reconciler) {
      this.reconciler = reconciler;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(fixedDelayString = "${hotclone.config.reconcile-interval:5000}", initialDelay = 5000)
    public void reconcileIdentities() {
      reconciler.reconcile();
    }
  }
}
