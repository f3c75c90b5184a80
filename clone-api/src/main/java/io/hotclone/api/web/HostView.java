package io.hotclone.api.web;

import io.hotclone.events.IpPoolState;
import io.hotclone.hypervisor.HostInfo;

/**
 * A host as its driver reports it now, with its network's IP pool as config-service last counted
 * it ({@code ipPool}: null when no recent count is known). {@code reason}: why an unreachable host
 * is unreachable as its driver tells it (e.g. libvirt refused the credential), never a secret; null
 * when reachable or unknown.
 */
public record HostView(
    String name, String driver, String uri, boolean reachable, String reason, int runningVms, IpPoolState ipPool) {

  static HostView of(HostInfo h, IpPoolState pool) {
    return new HostView(h.name().value(), h.driver(), h.uri(), h.reachable(), h.reason(), h.runningVms(), pool);
  }
}
