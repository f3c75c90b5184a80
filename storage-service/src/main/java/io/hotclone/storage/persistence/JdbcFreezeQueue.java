package io.hotclone.storage.persistence;

import io.hotclone.events.ClonePlan;
import io.hotclone.support.lease.LeaseStore;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link FreezeQueue} in PostgreSQL: admission and hand-over both run under a transaction-scoped
 * advisory lock on the VM, so a freeze ending and a request arriving can never both conclude that
 * the other one will start the next clone.
 */
@Repository
public class JdbcFreezeQueue implements FreezeQueue {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final LeaseStore leases;

  public JdbcFreezeQueue(JdbcTemplate jdbc, TransactionTemplate tx, LeaseStore leases) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.leases = leases;
  }

  @Override
  public boolean admitOrQueue(
      UUID cloneId, String vmId, ClonePlan plan, Instant leaseUntil, byte[] envelope, String traceparent) {
    Boolean admitted =
        tx.execute(
            s -> {
              lock(vmId);
              Integer others =
                  jdbc.queryForObject(
                      "SELECT count(*) FROM freeze_leases WHERE vm_id = ? AND clone_id <> ?"
                          + " AND state IN ('FREEZING', 'FROZEN')",
                      Integer.class,
                      vmId,
                      cloneId);
              if (others != null && others > 0) {
                jdbc.update(
                    "INSERT INTO pending_freezes (clone_id, vm_id, envelope, traceparent) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (clone_id) DO NOTHING",
                    cloneId,
                    vmId,
                    envelope,
                    traceparent);
                return false;
              }
              leases.register(cloneId, vmId, plan, leaseUntil);
              jdbc.update("DELETE FROM pending_freezes WHERE clone_id = ?", cloneId);
              return true;
            });
    return Boolean.TRUE.equals(admitted);
  }

  @Override
  public Optional<Queued> next(String vmId) {
    return tx.execute(
        s -> {
          lock(vmId);
          Integer held =
              jdbc.queryForObject(
                  "SELECT count(*) FROM freeze_leases WHERE vm_id = ? AND state IN ('FREEZING', 'FROZEN')",
                  Integer.class,
                  vmId);
          if (held != null && held > 0) {
            return Optional.<Queued>empty();
          }
          return jdbc
              .query(
                  "SELECT envelope, traceparent FROM pending_freezes WHERE vm_id = ? ORDER BY queued_at, clone_id LIMIT 1",
                  (rs, i) -> new Queued(rs.getBytes(1), rs.getString(2)),
                  vmId)
              .stream()
              .findFirst();
        });
  }

  @Override
  public Optional<String> drop(UUID cloneId) {
    return jdbc
        .query("DELETE FROM pending_freezes WHERE clone_id = ? RETURNING vm_id", (rs, i) -> rs.getString(1), cloneId)
        .stream()
        .findFirst();
  }

  private void lock(String vmId) {
    jdbc.query("SELECT pg_advisory_xact_lock(hashtext(?))", rs -> null, vmId);
  }
}
