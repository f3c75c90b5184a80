package io.hotclone.hypervisor;

import java.util.UUID;

/**
 * Everything that must be unique per live VM (invariant I5): name, UUID, MAC, IP; plus the guest
 * hostname, SMBIOS serial and VM generation id a clone must not share with its source.
 */
public record VmIdentity(
    String name,
    UUID uuid,
    String mac,
    String hostname,
    String ip,
    String smbiosSerial,
    UUID generationId) {}
