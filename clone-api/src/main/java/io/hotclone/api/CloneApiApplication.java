package io.hotclone.api;

import io.hotclone.support.app.ServiceConfiguration;
import io.hotclone.support.app.ServiceDefaults;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** The clone-api service. Component scan stays inside {@code io.hotclone.api}. */
@SpringBootApplication(excludeName = "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration")
@Import(ServiceConfiguration.class)
public class CloneApiApplication {

  public static void main(String[] args) {
    ServiceDefaults.builder(CloneApiApplication.class, "clone-api", "api").run(args);
  }
}
