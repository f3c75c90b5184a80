package io.hotclone.hypervisor;

/** Lifecycle state of a VM as the hypervisor reports it. */
public enum VmState {
  /** Defined, not running (e.g. a configured clone not yet started). */
  DEFINED,
  RUNNING,
  PAUSED,
  STOPPED,
  /** No longer known to its host (e.g. the host restarted). */
  GONE
}
