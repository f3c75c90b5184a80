package io.hotclone.events;

/** Kafka topic names. */
public final class Topics {

  /** Internal saga events, JSON {@link EventEnvelope}, keyed by clone id. */
  public static final String CLONE_EVENTS = "hotclone.clone-events";

  /** Public lifecycle (requested, completed, failed) as structured-mode CloudEvents JSON. */
  public static final String LIFECYCLE = "hotclone.lifecycle";

  /** Poison events a service could not process, with the error in the headers. Suffix per group. */
  public static final String DLQ_PREFIX = "hotclone.clone-events.dlq.";

  /** {@link IpPoolState} per host network, JSON, keyed by network; a compacted topic. */
  public static final String IP_POOLS = "hotclone.ip-pools";

  private Topics() {}
}
