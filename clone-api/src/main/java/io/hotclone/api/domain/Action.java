package io.hotclone.api.domain;

/** What a transition asks its caller to do, in the same transaction as the phase change. */
public enum Action {
  /** Record the configured clones in the VM read model (parent = source VM). */
  RECORD_CLONES,
  /** Append the internal {@code CloneCompleted} saga event. */
  EMIT_CLONE_COMPLETED,
  /** Append the public {@code io.hotclone.clone.completed} CloudEvent. */
  PUBLISH_COMPLETED,
  /** Append an internal {@code CloneFailed} so every service releases what it holds. */
  EMIT_CLONE_FAILED,
  /** Append the public {@code io.hotclone.clone.failed} CloudEvent. */
  PUBLISH_FAILED
}
