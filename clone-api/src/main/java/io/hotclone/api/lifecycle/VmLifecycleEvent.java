package io.hotclone.api.lifecycle;

import io.hotclone.events.Requester;
import io.hotclone.hypervisor.DiskSize;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One VM lifecycle event as billing and audit read it ({@code data} of the CloudEvent).
 *
 * @param principal who caused it (null when nobody did: a discovery, a loss, a state the hypervisor
 *     reported)
 * @param vcpus null when the hypervisor did not report it (never a guessed 0)
 * @param previousState for {@code state-changed}, the state before; else null
 * @param at when it happened: the instant the hypervisor call that did or saw it returned (a
 *     clone's: when config-service started it), not the publish time
 * @param seq the VM's event number (0 for its first); the CloudEvents id derives from VM id and seq,
 *     so a redelivery carries the same id
 */
public record VmLifecycleEvent(
    VmEventType type,
    String vmId,
    String name,
    String host,
    String tenant,
    Requester principal,
    Integer vcpus,
    Long memoryBytes,
    List<DiskSize> disks,
    Map<String, String> labels,
    String parentVm,
    String rootVm,
    int generation,
    UUID cloneId,
    String state,
    String previousState,
    String reason,
    Instant at,
    int seq) {

  public VmLifecycleEvent {
    disks = disks == null ? List.of() : List.copyOf(disks);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** The CloudEvents id: one per (VM, event number). */
  public UUID id() {
    return id(vmId, seq);
  }

  public static UUID id(String vmId, int seq) {
    return UUID.nameUUIDFromBytes(("vm/" + vmId + "/" + seq).getBytes(StandardCharsets.UTF_8));
  }
}
