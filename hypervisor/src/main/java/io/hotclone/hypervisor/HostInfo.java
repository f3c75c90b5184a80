package io.hotclone.hypervisor;

/**
 * A host as its driver sees it.
 *
 * @param reason why the host is unreachable (e.g. its credential was refused), naming no secret;
 *     {@code null} when it is reachable or the driver cannot tell
 */
public record HostInfo(HostName name, String driver, String uri, boolean reachable, int runningVms, String reason) {

  /** A host without a reason (reachable, or the driver cannot tell why not). */
  public HostInfo(HostName name, String driver, String uri, boolean reachable, int runningVms) {
    this(name, driver, uri, reachable, runningVms, null);
  }
}
