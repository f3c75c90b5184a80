package io.hotclone.api.web;

import java.util.List;

/**
 * Body of {@code POST /api/v1/clones}. Only {@code sourceVm} (id or name) and {@code targetHost}
 * are required; {@code count} defaults to 1, {@code leaseMillis} to 30000; give {@code name} or
 * {@code names} (one per clone), or neither for generated names. {@code identityPolicy} ({@code
 * require-agent}, {@code isolate}, {@code allow}) says what to do when a clone's guest cannot be
 * given its identity; absent: the deployment's default (config-service, {@code isolate} unless set).
 */
public record CloneRequestBody(
    String sourceVm, String targetHost, Integer count, String name, List<String> names, Long leaseMillis, String identityPolicy) {

  public CloneRequestBody(String sourceVm, String targetHost, Integer count, String name, List<String> names, Long leaseMillis) {
    this(sourceVm, targetHost, count, name, names, leaseMillis, null);
  }
}
