package io.hotclone.api.placement;

/**
 * One host as placement sees it when a request arrives.
 *
 * @param host the host's name
 * @param allowed whether the request's tenant may use it
 * @param reachable whether its driver reaches it
 * @param freeAddresses free addresses of its IP pool as config-service last counted them; {@code
 *     null}: no recent count (not limiting, as for requests with a {@code targetHost})
 * @param totalMemoryBytes its physical memory
 * @param vmMemoryBytes the memory configured for the VMs it runs or has paused
 * @param vms how many VMs that is
 * @param overcommit how many bytes of VM memory the operator lets one byte of physical memory hold
 * @param inFlightBytes the memory of clones that other operations in progress placed on it and that
 *     are not VMs there yet (their memory is not in {@code vmMemoryBytes})
 */
public record Candidate(
    String host,
    boolean allowed,
    boolean reachable,
    Long freeAddresses,
    long totalMemoryBytes,
    long vmMemoryBytes,
    int vms,
    double overcommit,
    long inFlightBytes) {

  /** An unreachable host: nothing else is known of it. */
  public static Candidate unreachable(String host, boolean allowed) {
    return new Candidate(host, allowed, false, null, 0, 0, 0, 0, 0);
  }

  /**
   * Memory left for new VMs before this request: {@code total × overcommit − vmMemory − inFlight}.
   */
  public long roomBytes() {
    return (long) Math.floor(totalMemoryBytes * overcommit) - vmMemoryBytes - inFlightBytes;
  }
}
