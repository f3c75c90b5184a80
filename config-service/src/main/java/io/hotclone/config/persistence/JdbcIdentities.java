package io.hotclone.config.persistence;

import io.hotclone.config.domain.IdentityDerivation;
import io.hotclone.config.domain.IpPool;
import java.util.HashSet;
import java.util.Set;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.support.messaging.StepFailure;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link Identities} in PostgreSQL: partial unique indexes keep identities unique among live VMs,
 * whoever allocates them concurrently.
 */
@Repository
public class JdbcIdentities implements Identities {

  private static final int ATTEMPTS = 8;

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;

  public JdbcIdentities(JdbcTemplate jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  @Override
  public VmIdentity allocate(UUID cloneId, int index, String sourceName, String requestedName, IpPool pool) {
    List<VmIdentity> existing = find(cloneId, index);
    if (!existing.isEmpty()) {
      return existing.get(0);
    }
    int attempt = 0;
    for (int tries = 0; tries < ATTEMPTS * 4 && attempt < ATTEMPTS; tries++) {
      Set<String> taken = new HashSet<>(jdbc.queryForList("SELECT ip FROM identities WHERE live", String.class));
      String ip = pool.firstFree(taken).orElseThrow(() -> new StepFailure.IdentityConflict(
          "IP pool " + pool.network() + " (" + pool.cidr() + ") is exhausted: all " + pool.capacity()
              + " of its addresses are held by live VMs"));
      VmIdentity id =
          IdentityDerivation.derive(sourceName, requestedName, cloneId, index, attempt, ip, pool.prefixLength(), pool.gateway());
      try {
        tx.executeWithoutResult(s -> insert(cloneId, index, id, pool.network()));
        return id;
      } catch (DuplicateKeyException e) {
        List<VmIdentity> raced = find(cloneId, index);
        if (!raced.isEmpty()) {
          return raced.get(0);
        }
        if (requestedName != null && !requestedName.isBlank() && nameTaken(requestedName)) {
          throw new StepFailure.IdentityConflict("name '" + requestedName + "' is in use by a live VM");
        }
        if (!String.valueOf(e.getMessage()).contains("identities_live_ip")) {
          attempt++;
        }
      }
    }
    throw new StepFailure.IdentityConflict("no unique identity after " + ATTEMPTS + " attempts");
  }

  @Override
  public void registerExisting(String vmId, VmIdentity id) {
    jdbc.update(
        "INSERT INTO identities (clone_id, clone_index, vm_id, name, uuid, mac, ip, hostname, smbios_serial,"
            + " generation_id) SELECT ?, -1, ?, ?, ?, ?, ?, ?, ?, ?"
            + " WHERE NOT EXISTS (SELECT 1 FROM identities WHERE vm_id = ? AND live) ON CONFLICT DO NOTHING",
        UUID.nameUUIDFromBytes(("root:" + vmId).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        vmId,
        id.name(),
        id.uuid(),
        id.mac(),
        id.ip() == null ? "unknown:" + vmId : id.ip(),
        id.hostname() == null ? id.name() : id.hostname(),
        id.smbiosSerial() == null ? "" : id.smbiosSerial(),
        id.generationId() == null ? UUID.randomUUID() : id.generationId(),
        vmId);
  }

  @Override
  public void bind(UUID cloneId, int index, String vmId) {
    jdbc.update("UPDATE identities SET vm_id = ? WHERE clone_id = ? AND clone_index = ?", vmId, cloneId, index);
  }

  @Override
  public Set<String> liveIps() {
    return new HashSet<>(jdbc.queryForList("SELECT ip FROM identities WHERE live", String.class));
  }

  @Override
  public List<String> liveVmIds() {
    return jdbc.queryForList("SELECT vm_id FROM identities WHERE live AND vm_id IS NOT NULL", String.class);
  }

  @Override
  public int retireVm(String vmId) {
    return jdbc.update("UPDATE identities SET live = FALSE WHERE vm_id = ? AND live", vmId);
  }

  @Override
  public void retire(UUID cloneId) {
    jdbc.update("UPDATE identities SET live = FALSE WHERE clone_id = ?", cloneId);
  }

  @Override
  public void retire(UUID cloneId, int index) {
    jdbc.update("UPDATE identities SET live = FALSE WHERE clone_id = ? AND clone_index = ?", cloneId, index);
  }

  @Override
  public void cancel(UUID cloneId, String step, String reason) {
    jdbc.update(
        "INSERT INTO cancelled_clones (clone_id, step, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        cloneId,
        step,
        reason);
  }

  @Override
  public boolean cancelled(UUID cloneId) {
    Integer n = jdbc.queryForObject("SELECT count(*) FROM cancelled_clones WHERE clone_id = ?", Integer.class, cloneId);
    return n != null && n > 0;
  }

  @Override
  public List<String> boundVms(UUID cloneId) {
    return jdbc.queryForList(
        "SELECT vm_id FROM identities WHERE clone_id = ? AND live AND vm_id IS NOT NULL", String.class, cloneId);
  }

  private boolean nameTaken(String name) {
    Integer n = jdbc.queryForObject("SELECT count(*) FROM identities WHERE live AND name = ?", Integer.class, name);
    return n != null && n > 0;
  }

  private void insert(UUID cloneId, int index, VmIdentity id, String network) {
    jdbc.update(
        "INSERT INTO identities (clone_id, clone_index, name, uuid, mac, ip, hostname, smbios_serial,"
            + " generation_id, network, prefix_length, gateway) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        cloneId,
        index,
        id.name(),
        id.uuid(),
        id.mac(),
        id.ip(),
        id.hostname(),
        id.smbiosSerial(),
        id.generationId(),
        network,
        id.prefixLength(),
        id.gateway());
  }

  private List<VmIdentity> find(UUID cloneId, int index) {
    return jdbc.query(
        "SELECT name, uuid, mac, hostname, ip, smbios_serial, generation_id, prefix_length, gateway FROM identities"
            + " WHERE clone_id = ? AND clone_index = ?",
        (rs, i) ->
            new VmIdentity(
                rs.getString(1),
                rs.getObject(2, UUID.class),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getObject(7, UUID.class),
                rs.getInt(8),
                rs.getString(9)),
        cloneId,
        index);
  }
}
