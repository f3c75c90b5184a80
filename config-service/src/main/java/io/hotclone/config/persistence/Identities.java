package io.hotclone.config.persistence;

import io.hotclone.config.domain.IpPool;
import io.hotclone.hypervisor.VmIdentity;
import io.hotclone.support.messaging.StepFailure;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Identities unique among live VMs (invariant I5), allocated once per (clone id, index): a repeat
 * returns the identity allocated first. Also what config-service knows of a clone operation that
 * failed elsewhere (cancelled) and of the VMs it made.
 */
public interface Identities {

  /**
   * The identity of clone {@code index} of {@code cloneId}, allocated on first call, its IP the
   * lowest address of {@code pool} no live VM holds. Losing a race for an address retries with the
   * next one (same name); a conflict on a derived field changes every derived field.
   *
   * @throws StepFailure.IdentityConflict when the pool is exhausted, the requested name is held by a
   *     live VM, or no unique identity could be derived
   */
  VmIdentity allocate(UUID cloneId, int index, String sourceName, String requestedName, IpPool pool);

  /**
   * Registers a VM the hypervisor runs but this service did not configure (a root VM), so clones
   * never take its identity. A VM already registered, or whose identity a live VM holds, is left.
   */
  void registerExisting(String vmId, VmIdentity id);

  /** Binds clone {@code index}'s identity to the VM made with it. */
  void bind(UUID cloneId, int index, String vmId);

  /** The IP addresses live identities hold. */
  Set<String> liveIps();

  /** VM ids whose identities are held as live. */
  List<String> liveVmIds();

  /** Frees the identity of a VM that no longer exists, so a new VM may take its name, MAC and IP. */
  int retireVm(String vmId);

  /** Frees the identities of a clone operation whose clones were destroyed. */
  void retire(UUID cloneId);

  /** Frees the identity of clone {@code index} of a clone operation (a partial plan's failed clone). */
  void retire(UUID cloneId, int index);

  /** Marks a clone operation cancelled (it failed elsewhere); a repeat keeps the first record. */
  void cancel(UUID cloneId, String step, String reason);

  boolean cancelled(UUID cloneId);

  /** VMs made for a clone operation whose identities are still live. */
  List<String> boundVms(UUID cloneId);
}
