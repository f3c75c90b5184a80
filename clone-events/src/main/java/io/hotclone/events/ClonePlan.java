package io.hotclone.events;

import java.util.List;

/**
 * What was asked for: one freeze of {@code sourceVm}, {@code count} clones on {@code targetHost}.
 *
 * @param sourceVm the running VM to clone
 * @param sourceHost the host the source runs on
 * @param targetHost the host the clones are made on
 * @param count how many clones from this one freeze (autoscaling asks for several)
 * @param names requested clone names, one per clone; empty means generated names
 * @param leaseMillis how long a freeze may be held before it is released and the clone fails
 * @param identityPolicy what to do when a clone's guest cannot be given its identity ({@code
 *     require-agent}, {@code isolate}, {@code allow}); null: the deployment's default
 */
public record ClonePlan(
    String sourceVm, String sourceHost, String targetHost, int count, List<String> names, long leaseMillis, String identityPolicy) {

  public ClonePlan {
    names = names == null ? List.of() : List.copyOf(names);
  }

  public ClonePlan(String sourceVm, String sourceHost, String targetHost, int count, List<String> names, long leaseMillis) {
    this(sourceVm, sourceHost, targetHost, count, names, leaseMillis, null);
  }

  /** The requested name of clone {@code index}, or {@code null} when none was asked for. */
  public String nameFor(int index) {
    return index < names.size() ? names.get(index) : null;
  }
}
