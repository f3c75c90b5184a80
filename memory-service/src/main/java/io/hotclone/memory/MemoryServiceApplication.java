package io.hotclone.memory;

import io.hotclone.support.app.ServiceConfiguration;
import io.hotclone.support.app.ServiceDefaults;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** The memory-service application. */
@SpringBootApplication
@Import(ServiceConfiguration.class)
public class MemoryServiceApplication {

  public static final String NAME = "memory-service";
  public static final String SCHEMA = "memory";

  public static void main(String[] args) {
    ServiceDefaults.builder(MemoryServiceApplication.class, NAME, SCHEMA).run(args);
  }
}
