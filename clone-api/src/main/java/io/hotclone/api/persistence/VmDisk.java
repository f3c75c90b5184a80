package io.hotclone.api.persistence;

/** One disk of a clone: device name, storage pointer, where it lives, the frozen base it reads. */
public record VmDisk(String device, String pointerId, String location, String baseRef) {}
