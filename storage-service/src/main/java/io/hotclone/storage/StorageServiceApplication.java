package io.hotclone.storage;

import io.hotclone.support.app.ServiceConfiguration;
import io.hotclone.support.app.ServiceDefaults;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** The storage-service application. */
@SpringBootApplication
@Import(ServiceConfiguration.class)
public class StorageServiceApplication {

  public static final String NAME = "storage-service";
  public static final String SCHEMA = "storage";

  public static void main(String[] args) {
    ServiceDefaults.builder(StorageServiceApplication.class, NAME, SCHEMA).run(args);
  }
}
