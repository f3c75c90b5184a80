package io.hotclone.transfer;

import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.support.fault.HaltPoints;
import io.hotclone.support.messaging.SagaSteps;
import io.hotclone.transfer.messaging.TransferSteps;
import io.hotclone.transfer.persistence.Transfers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of transfer-service: its copy step. */
@Configuration(proxyBeanMethods = false)
public class TransferServiceConfiguration {

  @Bean
  TransferSteps transferSteps(Hypervisor hypervisor, SagaSteps steps, Transfers transfers, HaltPoints halt) {
    return new TransferSteps(hypervisor, steps, transfers, halt);
  }
}
