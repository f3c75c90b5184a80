package io.hotclone.storage;

import io.hotclone.events.EventCodec;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.storage.messaging.StorageSteps;
import io.hotclone.storage.persistence.FreezeQueue;
import io.hotclone.storage.persistence.StoragePointers;
import io.hotclone.support.lease.FreezeLease;
import io.hotclone.support.lease.LeaseStore;
import io.hotclone.support.lease.LeaseWatchdog;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.support.tracing.TraceContexts;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of storage-service: its steps, the storage freeze's lease and that lease's watchdog. */
@Configuration(proxyBeanMethods = false)
public class StorageServiceConfiguration {

  @Bean
  FreezeLease storageFreezeLease(LeaseStore leases, SagaSteps steps, Hypervisor hypervisor) {
    return StorageSteps.freezeLease(leases, steps, hypervisor);
  }

  @Bean
  LeaseWatchdog storageLeaseWatchdog(FreezeLease storageFreezeLease, MeterRegistry registry) {
    return storageFreezeLease.watchdog(registry);
  }

  @Bean
  StorageSteps storageSteps(
      Hypervisor hypervisor,
      SagaSteps steps,
      FreezeLease storageFreezeLease,
      StoragePointers pointers,
      FreezeQueue queue,
      EventCodec codec,
      TraceContexts traces) {
    return new StorageSteps(hypervisor, steps, storageFreezeLease, pointers, queue, codec, traces);
  }
}
