package io.hotclone.api.persistence;

import static io.hotclone.api.persistence.CloneOperations.ts;

import io.hotclone.hypervisor.HostInfo;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The hosts as the hypervisor driver last reported them (table {@code hosts}). */
@Repository
public class Hosts {

  private final JdbcTemplate jdbc;

  public Hosts(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public void reported(HostInfo host, Instant now) {
    jdbc.update(
        "INSERT INTO hosts (name, driver, uri, reachable, running_vms, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET driver = EXCLUDED.driver, uri = EXCLUDED.uri,"
            + " reachable = EXCLUDED.reachable, running_vms = EXCLUDED.running_vms,"
            + " updated_at = EXCLUDED.updated_at",
        host.name().value(),
        host.driver(),
        host.uri(),
        host.reachable(),
        host.runningVms(),
        ts(now));
  }
}
