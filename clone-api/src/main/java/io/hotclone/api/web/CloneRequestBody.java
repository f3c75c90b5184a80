package io.hotclone.api.web;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/clones}. Only {@code sourceVm} (id or name) and {@code targetHost}
 * are required; {@code count} defaults to 1, {@code leaseMillis} to 30000; give {@code name} or
 * {@code names} (one per clone), or neither for generated names. {@code identityPolicy} ({@code
 * require-agent}, {@code isolate}, {@code allow}) says what to do when a clone's guest cannot be
 * given its identity; absent: the deployment's default (config-service, {@code isolate} unless set).
 * {@code labels} are given to every clone over its source's labels (a key in both takes the
 * request's value; rules: {@link io.hotclone.api.labels.Labels}).
 */
public record CloneRequestBody(
    String sourceVm,
    String targetHost,
    Integer count,
    String name,
    List<String> names,
    Long leaseMillis,
    String identityPolicy,
    @io.swagger.v3.oas.annotations.media.Schema(
            description = LabelsSchema.DESCRIPTION, example = LabelsSchema.EXAMPLE)
        Map<String, String> labels) {

  public CloneRequestBody(String sourceVm, String targetHost, Integer count, String name, List<String> names, Long leaseMillis) {
    this(sourceVm, targetHost, count, name, names, leaseMillis, null, null);
  }
}
