package io.hotclone.api.api;

import io.hotclone.hypervisor.HostInfo;

/** A host as its driver reports it now. */
public record HostView(String name, String driver, String uri, boolean reachable, int runningVms) {

  static HostView of(HostInfo h) {
    return new HostView(h.name().value(), h.driver(), h.uri(), h.reachable(), h.runningVms());
  }
}
