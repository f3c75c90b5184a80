package io.hotclone.api.lifecycle;

import io.hotclone.hypervisor.VmState;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The meter columns of the VM read model ({@code vms}), locked row by row. */
@Repository
class VmMeterRows {

  private final JdbcTemplate jdbc;

  VmMeterRows(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The VM's meter, its row locked to the end of the transaction; empty when it has no row. */
  Optional<VmMeter> lock(String vmId) {
    return jdbc.query(
            "SELECT state, metered, ended_at, state_seq FROM vms WHERE id = ? FOR UPDATE",
            (rs, i) -> {
              Timestamp ended = rs.getTimestamp("ended_at");
              return new VmMeter(
                  rs.getString("state"), rs.getBoolean("metered"), ended == null ? null : ended.toInstant(), rs.getInt("state_seq"));
            },
            vmId)
        .stream()
        .findFirst();
  }

  /**
   * Records that event {@code type} happened at {@code at}: the event number moves on; an opening
   * marks the VM metered from {@code at} ({@code created_at}), a closing ends it at {@code at}.
   */
  void recorded(String vmId, VmEventType type, Instant at) {
    Timestamp t = Timestamp.from(at);
    if (type.opens()) {
      jdbc.update(
          "UPDATE vms SET state_seq = state_seq + 1, metered = TRUE, created_at = ?, ended_at = NULL WHERE id = ?", t, vmId);
    } else if (type.closes()) {
      jdbc.update(
          "UPDATE vms SET state_seq = state_seq + 1, ended_at = ?, state = ? WHERE id = ?", t, VmState.GONE.name(), vmId);
    } else {
      jdbc.update("UPDATE vms SET state_seq = state_seq + 1 WHERE id = ?", vmId);
    }
  }
}
