package io.hotclone.api.persistence;

import static io.hotclone.api.persistence.CloneOperations.instant;
import static io.hotclone.api.persistence.CloneOperations.ts;

import io.hotclone.events.ConfiguredClone;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The VM read model (table {@code vms}): identity and lineage of every VM seen. Lineage is
 * recorded once (by the clone that made a VM, or from the hypervisor's parent when first seen) and
 * is never overwritten by a later observation; identity, host, state and storage pointer follow
 * what the hypervisor reports.
 */
@Repository
public class Vms {

  private static final String COLUMNS =
      "id, host, name, uuid, mac, ip, hostname, parent_vm, root_vm, generation, clone_id, storage_pointer,"
          + " state, created_at, updated_at, tenant, ended_at, vcpus, memory_bytes, disk_sizes, metered, labels::text";
  private static final String INSERTED = COLUMNS.replace("labels::text", "labels");
  private static final int MAX_DEPTH = 1000;

  private final JdbcTemplate jdbc;
  private final String discoveredTenant;
  private static final JsonColumns JSON = new JsonColumns(tools.jackson.databind.json.JsonMapper.builder().build());
  private final RowMapper<VmRecord> rows = Vms::map;

  public Vms(JdbcTemplate jdbc, @Value("${hotclone.security.discovered-vm-tenant:default}") String discoveredTenant) {
    this.jdbc = jdbc;
    this.discoveredTenant = discoveredTenant;
  }

  /** The tenant of VMs found on the hypervisor that no request made, and of their clones. */
  public String discoveredTenant() {
    return discoveredTenant;
  }

  /** {@link #observed(VmInfo, Instant, String)} of a VM no request made: its tenant is its parent's, else the discovered tenant. */
  public void observed(VmInfo vm, Instant now) {
    observed(vm, now, null);
  }

  /** {@link #observed(VmInfo, Instant, String, java.util.Map)} without labels of its own (its parent's, if any). */
  public void observed(VmInfo vm, Instant now, String tenant) {
    observed(vm, now, tenant, null);
  }

  /**
   * Records a VM as the hypervisor reports it. A VM seen for the first time takes its lineage from
   * its reported parent (root and generation follow the parent's row when there is one) and its
   * tenant from {@code tenant}, else its parent's row, else the discovered tenant; its labels are
   * {@code labels} overlaid on its parent's row's. A VM's tenant and labels are never changed by a
   * later observation.
   */
  public void observed(VmInfo vm, Instant now, String tenant, java.util.Map<String, String> labels) {
    String parent = vm.parent() == null ? null : vm.parent().value();
    String root = vm.id().value();
    int generation = 0;
    String owner = tenant;
    java.util.Map<String, String> inherited = null;
    if (parent != null) {
      Optional<VmRecord> p = find(parent);
      inherited = p.map(VmRecord::labels).orElse(null);
      root = p.map(VmRecord::rootVm).orElse(parent);
      generation = p.map(r -> r.generation() + 1).orElse(1);
      if (owner == null) {
        owner = p.map(VmRecord::tenant).orElse(null);
      }
    }
    owner = owner == null ? discoveredTenant : owner;
    VmIdentity id = vm.identity();
    jdbc.update(
        "INSERT INTO vms (" + INSERTED + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL, ?, ?, ?::jsonb, FALSE, ?::jsonb)"
            + " ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, name = EXCLUDED.name,"
            + " uuid = EXCLUDED.uuid, mac = EXCLUDED.mac, ip = EXCLUDED.ip, hostname = EXCLUDED.hostname,"
            + " parent_vm = COALESCE(vms.parent_vm, EXCLUDED.parent_vm),"
            + " root_vm = CASE WHEN vms.parent_vm IS NULL THEN EXCLUDED.root_vm ELSE vms.root_vm END,"
            + " generation = CASE WHEN vms.parent_vm IS NULL THEN EXCLUDED.generation ELSE vms.generation END,"
            + " storage_pointer = EXCLUDED.storage_pointer, state = EXCLUDED.state,"
            + " vcpus = COALESCE(EXCLUDED.vcpus, vms.vcpus), memory_bytes = COALESCE(EXCLUDED.memory_bytes, vms.memory_bytes),"
            + " disk_sizes = COALESCE(EXCLUDED.disk_sizes, vms.disk_sizes),"
            + " updated_at = EXCLUDED.updated_at",
        vm.id().value(),
        vm.host().value(),
        id == null ? null : id.name(),
        id == null || id.uuid() == null ? null : id.uuid().toString(),
        id == null ? null : id.mac(),
        id == null ? null : id.ip(),
        id == null ? null : id.hostname(),
        parent,
        root,
        generation,
        vm.storagePointer(),
        vm.state() == null ? VmState.RUNNING.name() : vm.state().name(),
        ts(now),
        ts(now),
        owner,
        vm.vcpus() > 0 ? vm.vcpus() : null,
        vm.memoryBytes() > 0 ? vm.memoryBytes() : null,
        vm.disks().isEmpty() ? null : DiskSizes.write(vm.disks()),
        JSON.labels(io.hotclone.api.labels.Labels.overlay(inherited, labels)));
  }

  /**
   * Records a clone made by operation {@code cloneId} of {@code tenant} from {@code sourceVm};
   * lineage and tenant from the operation (a clone belongs to its source's tenant), labels its
   * source's overlaid with {@code labels} (the clone request's).
   */
  public void cloned(
      ConfiguredClone clone, String sourceVm, UUID cloneId, String tenant, java.util.Map<String, String> labels, Instant now) {
    Optional<VmRecord> source = find(sourceVm);
    String root = source.map(VmRecord::rootVm).orElse(sourceVm);
    jdbc.update(
        "INSERT INTO vms (" + INSERTED + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?::jsonb, FALSE, ?::jsonb)"
            + " ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, name = EXCLUDED.name,"
            + " uuid = EXCLUDED.uuid, mac = EXCLUDED.mac, ip = EXCLUDED.ip, hostname = EXCLUDED.hostname,"
            + " parent_vm = EXCLUDED.parent_vm, root_vm = EXCLUDED.root_vm, generation = EXCLUDED.generation,"
            + " clone_id = EXCLUDED.clone_id, storage_pointer = EXCLUDED.storage_pointer,"
            + " updated_at = EXCLUDED.updated_at, tenant = EXCLUDED.tenant, labels = EXCLUDED.labels,"
            + " vcpus = COALESCE(vms.vcpus, EXCLUDED.vcpus), memory_bytes = COALESCE(vms.memory_bytes, EXCLUDED.memory_bytes),"
            + " disk_sizes = COALESCE(vms.disk_sizes, EXCLUDED.disk_sizes)",
        clone.vmId(),
        clone.host(),
        clone.name(),
        clone.uuid(),
        clone.mac(),
        clone.ip(),
        clone.hostname(),
        sourceVm,
        root,
        clone.generation(),
        cloneId,
        clone.pointerId(),
        VmState.RUNNING.name(),
        ts(now),
        ts(now),
        tenant,
        source.map(VmRecord::vcpus).orElse(null),
        source.map(VmRecord::memoryBytes).orElse(null),
        source.map(VmRecord::disks).filter(d -> !d.isEmpty()).map(DiskSizes::write).orElse(null),
        JSON.labels(io.hotclone.api.labels.Labels.overlay(source.map(VmRecord::labels).orElse(null), labels)));
    for (int i = 0; i < clone.disks().size(); i++) {
      var disk = clone.disks().get(i);
      jdbc.update(
          "INSERT INTO vm_disks (vm_id, position, device, pointer_id, location, base_ref) VALUES (?, ?, ?, ?, ?, ?)"
              + " ON CONFLICT (vm_id, position) DO NOTHING",
          clone.vmId(), i, disk.device(), disk.pointerId(), disk.location(), disk.baseRef());
    }
  }

  /** The disks recorded for each of {@code vmIds} (clones only), in device order. */
  public java.util.Map<String, List<VmDisk>> disks(java.util.Collection<String> vmIds) {
    java.util.Map<String, List<VmDisk>> result = new java.util.HashMap<>();
    if (vmIds.isEmpty()) {
      return result;
    }
    jdbc.query(
        "SELECT vm_id, device, pointer_id, location, base_ref FROM vm_disks WHERE vm_id = ANY(?) ORDER BY vm_id, position",
        rs -> {
          result.computeIfAbsent(rs.getString("vm_id"), k -> new java.util.ArrayList<>())
              .add(new VmDisk(rs.getString("device"), rs.getString("pointer_id"), rs.getString("location"), rs.getString("base_ref")));
        },
        (Object) vmIds.toArray(String[]::new));
    return result;
  }

  public Optional<VmRecord> find(String id) {
    return jdbc.query("SELECT " + COLUMNS + " FROM vms WHERE id = ?", rows, id).stream().findFirst();
  }

  /** The VMs (not GONE) with this name, most recently seen first. */
  public List<VmRecord> findLiveByName(String name) {
    return jdbc.query(
        "SELECT " + COLUMNS + " FROM vms WHERE name = ? AND state <> 'GONE' ORDER BY updated_at DESC", rows, name);
  }

  /** Parent, grandparent, … up to the root (nearest first); excludes the VM itself. */
  public List<VmRecord> ancestors(String id) {
    return jdbc.query(
        "WITH RECURSIVE up(id, parent_vm, depth) AS ("
            + " SELECT id, parent_vm, 0 FROM vms WHERE id = ?"
            + " UNION ALL SELECT v.id, v.parent_vm, up.depth + 1 FROM vms v JOIN up ON v.id = up.parent_vm"
            + " WHERE up.depth < ?)"
            + " SELECT " + prefixed("v") + " FROM up JOIN vms v ON v.id = up.id WHERE up.depth > 0"
            + " ORDER BY up.depth",
        rows,
        id,
        MAX_DEPTH);
  }

  /** Children, grandchildren, … (breadth first); excludes the VM itself. */
  public List<VmRecord> descendants(String id) {
    return jdbc.query(
        "WITH RECURSIVE down(id, depth) AS ("
            + " SELECT id, 0 FROM vms WHERE id = ?"
            + " UNION ALL SELECT v.id, down.depth + 1 FROM vms v JOIN down ON v.parent_vm = down.id"
            + " WHERE down.depth < ?)"
            + " SELECT " + prefixed("v") + " FROM down JOIN vms v ON v.id = down.id WHERE down.depth > 0"
            + " ORDER BY down.depth, v.created_at, v.id",
        rows,
        id,
        MAX_DEPTH);
  }

  /** Every VM of the read model on {@code host} that is not marked GONE. */
  public List<VmRecord> liveOnHost(String host) {
    return jdbc.query("SELECT " + COLUMNS + " FROM vms WHERE host = ? AND state <> 'GONE'", rows, host);
  }

  /** Marks a VM GONE, its meter ended at {@code now}; 0 if it was GONE already. */
  /** Overlays the VM's labels with {@code labels} (a claim's). */
  public void relabel(String id, java.util.Map<String, String> labels, Instant now) {
    find(id).ifPresent(r -> jdbc.update("UPDATE vms SET labels = ?::jsonb, updated_at = ? WHERE id = ?",
        JSON.labels(io.hotclone.api.labels.Labels.overlay(r.labels(), labels)), ts(now), id));
  }

  public int markGone(String id, Instant now) {
    return jdbc.update(
        "UPDATE vms SET state = 'GONE', updated_at = ?, ended_at = COALESCE(ended_at, ?) WHERE id = ? AND state <> 'GONE'",
        ts(now), ts(now), id);
  }

  private static String prefixed(String alias) {
    StringBuilder sb = new StringBuilder();
    for (String column : COLUMNS.split(",")) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(alias).append('.').append(column.trim().replace("labels::text", "labels::text AS labels"));
    }
    return sb.toString();
  }

  private static VmRecord map(ResultSet rs, int i) throws SQLException {
    return new VmRecord(
        rs.getString("id"),
        rs.getString("host"),
        rs.getString("name"),
        rs.getString("uuid"),
        rs.getString("mac"),
        rs.getString("ip"),
        rs.getString("hostname"),
        rs.getString("parent_vm"),
        rs.getString("root_vm"),
        rs.getInt("generation"),
        rs.getObject("clone_id", UUID.class),
        rs.getString("storage_pointer"),
        rs.getString("state"),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        rs.getString("tenant"),
        instant(rs, "ended_at"),
        (Integer) rs.getObject("vcpus"),
        (Long) rs.getObject("memory_bytes"),
        DiskSizes.read(rs.getString("disk_sizes")),
        rs.getBoolean("metered"),
        JSON.labels(rs.getString("labels")));
  }
}
