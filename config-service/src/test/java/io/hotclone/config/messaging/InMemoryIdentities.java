package io.hotclone.config.messaging;

import io.hotclone.config.domain.IdentityDerivation;
import io.hotclone.config.domain.IpPool;
import io.hotclone.config.persistence.Identities;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.support.messaging.StepFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** {@link Identities} in memory, with the conflicts the PostgreSQL one reports (same messages). */
public final class InMemoryIdentities implements Identities {

  static final class Row {
    final UUID cloneId;
    final int index;
    final VmIdentity id;
    String vmId;
    boolean live = true;

    Row(UUID cloneId, int index, VmIdentity id, String vmId) {
      this.cloneId = cloneId;
      this.index = index;
      this.id = id;
      this.vmId = vmId;
    }
  }

  public final List<Row> rows = new ArrayList<>();
  final Map<UUID, String> cancelled = new HashMap<>();

  @Override
  public VmIdentity allocate(UUID cloneId, int index, String sourceName, String requestedName, IpPool pool) {
    for (Row r : rows) {
      if (r.cloneId.equals(cloneId) && r.index == index) {
        return r.id;
      }
    }
    if (requestedName != null && rows.stream().anyMatch(r -> r.live && r.id.name().equals(requestedName))) {
      throw new StepFailure.IdentityConflict("name '" + requestedName + "' is in use by a live VM");
    }
    String ip = pool.firstFree(liveIps()).orElseThrow(() -> new StepFailure.IdentityConflict(
        "IP pool " + pool.network() + " (" + pool.cidr() + ") is exhausted: all " + pool.capacity()
            + " of its addresses are held by live VMs"));
    VmIdentity id = IdentityDerivation.derive(sourceName, requestedName, cloneId, index, 0, ip, pool.prefixLength(), pool.gateway());
    rows.add(new Row(cloneId, index, id, null));
    return id;
  }

  @Override
  public void registerExisting(String vmId, VmIdentity id) {
    if (rows.stream().noneMatch(r -> r.live && vmId.equals(r.vmId))) {
      rows.add(new Row(UUID.randomUUID(), -1, id, vmId));
    }
  }

  @Override
  public void bind(UUID cloneId, int index, String vmId) {
    rows.stream().filter(r -> r.cloneId.equals(cloneId) && r.index == index).forEach(r -> r.vmId = vmId);
  }

  @Override
  public Set<String> liveIps() {
    return rows.stream().filter(r -> r.live && r.id.ip() != null).map(r -> r.id.ip()).collect(Collectors.toSet());
  }

  @Override
  public List<String> liveVmIds() {
    return rows.stream().filter(r -> r.live && r.vmId != null).map(r -> r.vmId).toList();
  }

  @Override
  public int retireVm(String vmId) {
    int n = 0;
    for (Row r : rows) {
      if (r.live && vmId.equals(r.vmId)) {
        r.live = false;
        n++;
      }
    }
    return n;
  }

  @Override
  public void retire(UUID cloneId) {
    rows.stream().filter(r -> r.cloneId.equals(cloneId)).forEach(r -> r.live = false);
  }

  @Override
  public void retire(UUID cloneId, int index) {
    rows.stream().filter(r -> r.cloneId.equals(cloneId) && r.index == index).forEach(r -> r.live = false);
  }

  @Override
  public void cancel(UUID cloneId, String step, String reason) {
    cancelled.putIfAbsent(cloneId, step + ": " + reason);
  }

  @Override
  public boolean cancelled(UUID cloneId) {
    return cancelled.containsKey(cloneId);
  }

  @Override
  public List<String> boundVms(UUID cloneId) {
    return rows.stream().filter(r -> r.cloneId.equals(cloneId) && r.live && r.vmId != null).map(r -> r.vmId).toList();
  }

  public long live(UUID cloneId) {
    return rows.stream().filter(r -> r.cloneId.equals(cloneId) && r.live).count();
  }
}
