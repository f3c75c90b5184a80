package io.hotclone.transfer;

import io.hotclone.support.app.ServiceConfiguration;
import io.hotclone.support.app.ServiceDefaults;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** The transfer-service application. */
@SpringBootApplication
@Import(ServiceConfiguration.class)
public class TransferServiceApplication {

  public static final String NAME = "transfer-service";
  public static final String SCHEMA = "transfer";

  public static void main(String[] args) {
    ServiceDefaults.builder(TransferServiceApplication.class, NAME, SCHEMA).run(args);
  }
}
