package io.hotclone.api.api;

import java.util.List;

/**
 * Body of {@code POST /api/v1/clones}. Only {@code sourceVm} (id or name) and {@code targetHost}
 * are required; {@code count} defaults to 1, {@code leaseMillis} to 30000; give {@code name} or
 * {@code names} (one per clone), or neither for generated names.
 */
public record CloneRequestBody(
    String sourceVm, String targetHost, Integer count, String name, List<String> names, Long leaseMillis) {}
