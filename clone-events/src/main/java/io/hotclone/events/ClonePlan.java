package io.hotclone.events;

import java.util.List;

/**
 * What was asked for: one freeze of {@code sourceVm}, {@code count} clones, each on its host.
 *
 * @param sourceVm the running VM to clone
 * @param sourceHost the host the source runs on
 * @param targetHost the host of clone 0 (and of every clone when {@code targetHosts} is empty: the
 *     first contract version knew one target host per request)
 * @param count how many clones from this one freeze (autoscaling asks for several)
 * @param names requested clone names, one per clone; empty means generated names
 * @param leaseMillis how long a freeze may be held before it is released and the clone fails
 * @param identityPolicy what to do when a clone's guest cannot be given its identity ({@code
 *     require-agent}, {@code isolate}, {@code allow}); null: the deployment's default
 * @param targetHosts the host of each clone by index (placement spreads one freeze over several
 *     hosts); empty: all on {@code targetHost}. Added in schema version 1 as an optional field.
 * @param partial whether each clone settles on its own (a failed clone is removed and listed, the
 *     others complete); {@code false}: all or nothing. Optional field, absent = false.
 * @param standby whether the clones start with their network links held down after their identity
 *     is applied (warm pool clones, brought up when claimed). Optional field, absent = false.
 */
public record ClonePlan(
    String sourceVm,
    String sourceHost,
    String targetHost,
    int count,
    List<String> names,
    long leaseMillis,
    String identityPolicy,
    List<String> targetHosts,
    boolean partial,
    boolean standby) {

  public ClonePlan {
    names = names == null ? List.of() : List.copyOf(names);
    targetHosts = targetHosts == null ? List.of() : List.copyOf(targetHosts);
    if (!targetHosts.isEmpty() && targetHosts.size() != count) {
      throw new IllegalArgumentException("targetHosts names " + targetHosts.size() + " hosts for " + count + " clones");
    }
    if (!targetHosts.isEmpty() && targetHost == null) {
      targetHost = targetHosts.get(0);
    }
  }

  public ClonePlan(
      String sourceVm, String sourceHost, String targetHost, int count, List<String> names, long leaseMillis, String identityPolicy) {
    this(sourceVm, sourceHost, targetHost, count, names, leaseMillis, identityPolicy, List.of(), false, false);
  }

  public ClonePlan(String sourceVm, String sourceHost, String targetHost, int count, List<String> names, long leaseMillis) {
    this(sourceVm, sourceHost, targetHost, count, names, leaseMillis, null);
  }

  /** The requested name of clone {@code index}, or {@code null} when none was asked for. */
  public String nameFor(int index) {
    return index < names.size() ? names.get(index) : null;
  }

  /** The host clone {@code index} is made on. */
  public String hostFor(int index) {
    return targetHosts.isEmpty() ? targetHost : targetHosts.get(index);
  }

  /** The distinct target hosts, in the order of their first clone. */
  public List<String> hosts() {
    return targetHosts.isEmpty() ? List.of(targetHost) : targetHosts.stream().distinct().toList();
  }
}
