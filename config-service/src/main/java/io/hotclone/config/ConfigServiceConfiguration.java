package io.hotclone.config;

import io.hotclone.config.domain.IpPools;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of config-service's settings: the IP pools are checked (valid, disjoint) at start-up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConfigProperties.class)
public class ConfigServiceConfiguration {

  @Bean
  IpPools ipPools(ConfigProperties properties) {
    return new IpPools(properties.pools());
  }
}
