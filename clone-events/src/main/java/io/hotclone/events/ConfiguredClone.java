package io.hotclone.events;

/** A clone that runs on its target with its own identity. */
public record ConfiguredClone(
    int index,
    String vmId,
    String name,
    String uuid,
    String mac,
    String ip,
    String hostname,
    String host,
    String pointerId,
    int generation) {}
