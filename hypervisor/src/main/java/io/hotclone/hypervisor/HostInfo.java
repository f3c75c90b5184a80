package io.hotclone.hypervisor;

/** A host as its driver sees it. */
public record HostInfo(HostName name, String driver, String uri, boolean reachable, int runningVms) {}
