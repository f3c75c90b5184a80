package io.hotclone.config;

import io.hotclone.support.app.ServiceConfiguration;
import io.hotclone.support.app.ServiceDefaults;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** The config-service application. */
@SpringBootApplication
@Import(ServiceConfiguration.class)
public class ConfigServiceApplication {

  public static final String NAME = "config-service";
  public static final String SCHEMA = "config";

  public static void main(String[] args) {
    ServiceDefaults.builder(ConfigServiceApplication.class, NAME, SCHEMA).run(args);
  }
}
