package io.hotclone.api.api;

/** Body of {@code POST /api/v1/vms}: a new VM {@code name} on {@code host}, sizes in MiB. */
public record CreateVmBody(String name, String host, Long memoryMiB, Long diskMiB) {}
