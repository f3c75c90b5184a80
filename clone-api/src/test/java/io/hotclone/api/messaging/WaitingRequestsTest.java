package io.hotclone.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.persistence.CloneOperations.Member;
import io.hotclone.events.ClonePlan;
import io.hotclone.events.Requester;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which waiting requests share the oldest one's saga, and the plan they make together. */
class WaitingRequestsTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private static Member waiting(String tenant, String target, int count, List<String> names, long lease, String policy) {
    ClonePlan plan = new ClonePlan("vm-1", "host-a", target, count, names, lease);
    CloneOperation op = CloneOperation.requested(
        UUID.randomUUID(), null, new Requester("alice", tenant, "k1"), plan, "golden", T0).held();
    return new Member(op, 0, policy, null);
  }

  private static Member plain(int count) {
    return waiting("t1", "host-b", count, List.of(), 30_000, null);
  }

  @Test
  void the_oldest_takes_every_later_request_with_the_same_plan_in_order() {
    Member a = plain(1);
    Member b = plain(2);
    Member c = plain(1);
    assertThat(WaitingRequests.coalesce(List.of(a, b, c))).containsExactly(a, b, c);
  }

  @Test
  void another_tenant_target_lease_or_policy_waits_for_its_own_saga() {
    Member a = plain(1);
    Member otherTenant = waiting("t2", "host-b", 1, List.of(), 30_000, null);
    Member otherTarget = waiting("t1", "host-c", 1, List.of(), 30_000, null);
    Member otherLease = waiting("t1", "host-b", 1, List.of(), 60_000, null);
    Member otherPolicy = waiting("t1", "host-b", 1, List.of(), 30_000, "isolate");
    Member same = plain(3);
    assertThat(WaitingRequests.coalesce(List.of(a, otherTenant, otherTarget, otherLease, otherPolicy, same)))
        .containsExactly(a, same);
    // the next turn: the oldest of those left leads
    assertThat(WaitingRequests.coalesce(List.of(otherTenant, otherTarget))).containsExactly(otherTenant);
  }

  @Test
  void given_names_share_only_with_given_names_that_do_not_overlap() {
    Member web1 = waiting("t1", "host-b", 1, List.of("web-1"), 30_000, null);
    Member generated = plain(1);
    Member overlapping = waiting("t1", "host-b", 2, List.of("web-2", "web-1"), 30_000, null);
    Member disjoint = waiting("t1", "host-b", 2, List.of("web-3", "web-4"), 30_000, null);
    List<Member> saga = WaitingRequests.coalesce(List.of(web1, generated, overlapping, disjoint));
    assertThat(saga).containsExactly(web1, disjoint);
    assertThat(WaitingRequests.sagaPlan(saga, "isolate"))
        .isEqualTo(new ClonePlan("vm-1", "host-a", "host-b", 3, List.of("web-1", "web-3", "web-4"), 30_000, "isolate"));
  }

  @Test
  void a_saga_never_exceeds_the_largest_count_a_request_may_ask_for() {
    Member a = plain(40);
    Member b = plain(20);
    Member c = plain(10);
    Member d = plain(4);
    List<Member> saga = WaitingRequests.coalesce(List.of(a, b, c, d));
    assertThat(saga).as("c would make 70: it and every later request wait, in order").containsExactly(a, b);
    assertThat(WaitingRequests.sagaPlan(saga, null).count()).isEqualTo(60);
  }

  private static Member placed(List<String> hosts, boolean partial) {
    ClonePlan plan = new ClonePlan("vm-1", "host-a", null, hosts.size(), List.of(), 30_000, null, hosts, partial, false);
    CloneOperation op = CloneOperation.requested(
        UUID.randomUUID(), null, new Requester("alice", "t1", "k1"), plan, "golden", T0).placedBy("spread").held();
    return new Member(op, 0, null, null);
  }

  @Test
  void placed_requests_keep_each_clones_host_in_the_saga_and_share_only_with_the_same_partial() {
    Member a = placed(List.of("host-b", "host-c"), false);
    Member b = plain(1); // all on host-b
    Member partial = placed(List.of("host-b"), true);
    Member c = placed(List.of("host-b", "host-c", "host-b"), false);

    List<Member> saga = WaitingRequests.coalesce(List.of(a, b, partial, c));

    assertThat(saga).containsExactly(a, b, c);
    assertThat(WaitingRequests.sagaPlan(saga, null)).isEqualTo(new ClonePlan("vm-1", "host-a", "host-b", 6, List.of(),
        30_000, null, List.of("host-b", "host-c", "host-b", "host-b", "host-c", "host-b"), false, false));
  }
}
