package io.hotclone.memory;

import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.memory.messaging.MemorySteps;
import io.hotclone.memory.persistence.MemoryFreezes;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.lease.FreezeLease;
import io.hotclone.support.lease.LeaseStore;
import io.hotclone.support.lease.LeaseWatchdog;
import io.hotclone.support.messaging.SagaSteps;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of memory-service: its steps, the memory freeze's lease and that lease's watchdog. */
@Configuration(proxyBeanMethods = false)
public class MemoryServiceConfiguration {

  @Bean
  FreezeLease memoryFreezeLease(LeaseStore leases, SagaSteps steps, Hypervisor hypervisor) {
    return MemorySteps.freezeLease(leases, steps, hypervisor);
  }

  @Bean
  LeaseWatchdog memoryLeaseWatchdog(FreezeLease memoryFreezeLease, MeterRegistry registry) {
    return memoryFreezeLease.watchdog(registry);
  }

  @Bean
  MemorySteps memorySteps(
      Hypervisor hypervisor, SagaSteps steps, FreezeLease memoryFreezeLease, MemoryFreezes freezes, HaltPoints halt) {
    return new MemorySteps(hypervisor, steps, memoryFreezeLease, freezes, halt);
  }
}
