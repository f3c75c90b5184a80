package io.hotclone.api.placement.adapter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Placement's view of the operations in progress (table {@code clone_operations}, column {@code
 * clone_memory_bytes}): the memory their clones will hold on each host before they are VMs there,
 * and the lock that makes deciding a placement and recording it one step for every clone-api
 * instance.
 *
 * <p>An operation holds memory on the hosts of its clones from its insert until its clones are
 * configured (phase {@code CONFIGURED}; from then on they are VMs the hypervisor counts) or it ends
 * ({@code COMPLETED}, {@code FAILED}). While its clones are being configured a clone may be counted
 * twice, as a VM and in flight: placement errs towards refusing, never towards overcommitting.
 */
@Repository
public class InFlightPlacements {

  /** The key of the PostgreSQL advisory lock that serializes placements ({@code 'HCPLACE1'}). */
  static final long LOCK_KEY = 0x4843504C41434531L;

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private final ObjectMapper json = JsonMapper.builder().build();
  private final JdbcTemplate jdbc;

  public InFlightPlacements(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Takes the placement lock until the current transaction ends (a transaction-scoped advisory
   * lock); throws {@link IllegalStateException} outside a transaction, where it would guard nothing.
   */
  public void lock() {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("placement must run in the transaction that records it");
    }
    jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> {}, LOCK_KEY);
  }

  /** Per host, the bytes held by the clones of operations in progress that are not VMs yet. */
  public Map<String, Long> bytesByHost() {
    Map<String, Long> out = new HashMap<>();
    jdbc.query(
        "SELECT target_host, target_hosts::text, count, clone_memory_bytes FROM clone_operations"
            + " WHERE phase NOT IN ('CONFIGURED', 'COMPLETED', 'FAILED') AND clone_memory_bytes IS NOT NULL",
        rs -> {
          long bytes = rs.getLong("clone_memory_bytes");
          String hosts = rs.getString("target_hosts");
          List<String> each = hosts == null ? null : json.readValue(hosts, STRINGS);
          if (each == null || each.isEmpty()) {
            out.merge(rs.getString("target_host"), bytes * rs.getInt("count"), Long::sum);
          } else {
            each.forEach(h -> out.merge(h, bytes, Long::sum));
          }
        });
    return out;
  }

  /** Records that each clone of operation {@code id} holds {@code cloneMemoryBytes} until configured. */
  public void record(UUID id, long cloneMemoryBytes) {
    jdbc.update("UPDATE clone_operations SET clone_memory_bytes = ? WHERE id = ?", cloneMemoryBytes, id);
  }
}
