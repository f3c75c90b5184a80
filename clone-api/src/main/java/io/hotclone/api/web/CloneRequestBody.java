package io.hotclone.api.web;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/clones}. Only {@code sourceVm} (id or name) is required. {@code
 * targetHost} puts every clone on that host; without it each clone is placed on a host by {@code
 * placement} ({@code spread}, the default, or {@code pack}; see {@link
 * io.hotclone.api.placement.Placement}), and a request no host can take is 422 {@code no-capacity}.
 * {@code partial: true}: each clone succeeds or fails on its own at configure/start (the failed ones
 * are removed and listed); absent or false: all or nothing. {@code count} defaults to 1, {@code leaseMillis} to 30000; give {@code name} or
 * {@code names} (one per clone), or neither for generated names. {@code identityPolicy} ({@code
 * require-agent}, {@code isolate}, {@code allow}) says what to do when a clone's guest cannot be
 * given its identity; absent: the deployment's default (config-service, {@code isolate} unless set).
 * {@code labels} are given to every clone over its source's labels (a key in both takes the
 * request's value; rules: {@link io.hotclone.api.labels.Labels}). {@code placement} and {@code
 * partial} are left out of the body's JSON when absent, so a body without them keeps the {@code
 * Idempotency-Key} fingerprint it had before they existed.
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
        Map<String, String> labels,
    @io.swagger.v3.oas.annotations.media.Schema(
            description = "without targetHost: how clones are placed over the hosts; spread (default: each clone on"
                + " the host with the most memory room left) or pack (fill the host with the least room that fits)",
            allowableValues = {"spread", "pack"})
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        String placement,
    @io.swagger.v3.oas.annotations.media.Schema(
            description = "true: each clone settles on its own at copy/configure/start (a failed copy fails that clone and"
                + " its host's clones not copied yet); the failed ones are removed and listed in the operation's"
                + " failedClones and the others complete. Absent/false: all or nothing")
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Boolean partial) {

  public CloneRequestBody(String sourceVm, String targetHost, Integer count, String name, List<String> names, Long leaseMillis) {
    this(sourceVm, targetHost, count, name, names, leaseMillis, null, null);
  }

  public CloneRequestBody(
      String sourceVm, String targetHost, Integer count, String name, List<String> names, Long leaseMillis,
      String identityPolicy, Map<String, String> labels) {
    this(sourceVm, targetHost, count, name, names, leaseMillis, identityPolicy, labels, null, null);
  }
}
