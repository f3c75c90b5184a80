package io.hotclone.api.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.api.domain.RequestRejected;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static final long GIB = 1L << 30;

  private static Candidate host(String name, long totalGib, long usedGib, int vms) {
    return new Candidate(name, true, true, null, totalGib * GIB, usedGib * GIB, vms, 1.0, 0);
  }

  @Test
  void spreadPutsEachCloneOnTheHostWithTheMostRoomLeft() {
    List<Candidate> hosts = List.of(host("host-a", 16, 4, 3), host("host-b", 16, 4, 1), host("host-c", 8, 0, 0));

    Placement.Result r = Placement.place(hosts, 4, 2 * GIB, PlacementPolicy.SPREAD);

    // rooms a 12 (3 VMs), b 12 (1 VM), c 8: b (fewer VMs; 10 left), a (12 > 10), then a/b tie at 10
    // with a 4 VMs, b 2 → b, then a (10 > 8)
    assertThat(r.placed()).isTrue();
    assertThat(r.hosts()).containsExactly("host-b", "host-a", "host-b", "host-a");
  }

  @Test
  void spreadBreaksEqualRoomAndVmsByHostName() {
    Placement.Result r = Placement.place(List.of(host("host-b", 16, 0, 0), host("host-a", 16, 0, 0)), 4, GIB,
        PlacementPolicy.SPREAD);

    assertThat(r.hosts()).containsExactly("host-a", "host-b", "host-a", "host-b");
  }

  @Test
  void packFillsTheHostWithTheLeastRoomThatStillFits() {
    List<Candidate> hosts = List.of(host("host-a", 16, 0, 0), host("host-b", 16, 11, 3), host("host-c", 16, 15, 5));

    Placement.Result r = Placement.place(hosts, 4, 2 * GIB, PlacementPolicy.PACK);

    // c has 1 GiB (does not fit); b has 5 → b, b (1 left), then a
    assertThat(r.hosts()).containsExactly("host-b", "host-b", "host-a", "host-a");
  }

  @Test
  void overcommitGivesAHostMoreRoomThanItsPhysicalMemory() {
    Candidate plain = new Candidate("host-a", true, true, null, 4 * GIB, 4 * GIB, 2, 1.0, 0);
    Candidate overcommitted = new Candidate("host-a", true, true, null, 4 * GIB, 4 * GIB, 2, 1.5, 0);

    assertThat(Placement.place(List.of(plain), 1, GIB, PlacementPolicy.SPREAD).placed()).isFalse();
    assertThat(Placement.place(List.of(overcommitted), 2, GIB, PlacementPolicy.SPREAD).hosts())
        .containsExactly("host-a", "host-a");
    assertThat(Placement.place(List.of(overcommitted), 3, GIB, PlacementPolicy.SPREAD).placed()).isFalse();
  }

  @Test
  void aRequestThatDoesNotFitListsWhatEachHostWasShortOf() {
    List<Candidate> hosts = List.of(
        new Candidate("host-a", true, true, 1L, 16 * GIB, 0, 0, 1.0, 0),
        new Candidate("host-b", true, true, null, 16 * GIB, 15 * GIB, 4, 1.0, 0),
        Candidate.unreachable("host-c", true),
        new Candidate("host-d", false, true, null, 64 * GIB, 0, 0, 1.0, 0));

    Placement.Result r = Placement.place(hosts, 2, 2 * GIB, PlacementPolicy.SPREAD);

    assertThat(r.placed()).isFalse();
    assertThat(r.hosts()).isEmpty();
    assertThat(r.shortfalls()).extracting(Shortfall::host, Shortfall::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("host-a", "addresses"),
        org.assertj.core.groups.Tuple.tuple("host-b", "memory"),
        org.assertj.core.groups.Tuple.tuple("host-c", "unreachable"),
        org.assertj.core.groups.Tuple.tuple("host-d", "not-allowed"));
    assertThat(r.shortfalls().get(0).detail()).contains("1 free address(es), 1 taken by this request")
        .contains("clone 2 of 2");
    assertThat(r.shortfalls().get(1).detail()).contains(GIB + " bytes of room left").contains("needs " + 2 * GIB);
  }

  @Test
  void memoryThatOtherOperationsInProgressPlacedOnAHostIsNotRoomForThisRequest() {
    // a: 8 GiB free by its VMs, but 6 GiB of clones of an operation in progress are headed there
    Candidate a = new Candidate("host-a", true, true, null, 16 * GIB, 8 * GIB, 1, 1.0, 6 * GIB);
    Candidate b = new Candidate("host-b", true, true, null, 16 * GIB, 12 * GIB, 1, 1.0, 0);

    assertThat(a.roomBytes()).isEqualTo(2 * GIB);
    // b (4 GiB) has more room than a (2 GiB, not 8): b; then 2 GiB each, b has 2 VMs with this
    // request's: a; then b. Without the memory in flight a would have taken the first two.
    assertThat(Placement.place(List.of(a, b), 3, 2 * GIB, PlacementPolicy.SPREAD).hosts())
        .containsExactly("host-b", "host-a", "host-b");
    Placement.Result full = Placement.place(List.of(a, b), 4, 2 * GIB, PlacementPolicy.SPREAD);
    assertThat(full.placed()).isFalse();
    assertThat(full.shortfalls().get(0).detail()).contains("0 bytes of room left")
        .contains(6 * GIB + " bytes held by operations in progress");
  }

  @Test
  void thePolicyIsSpreadUnlessPackIsAskedFor() {
    assertThat(PlacementPolicy.parse(null)).isEqualTo(PlacementPolicy.SPREAD);
    assertThat(PlacementPolicy.parse("pack")).isEqualTo(PlacementPolicy.PACK);
    assertThatThrownBy(() -> PlacementPolicy.parse("random"))
        .isInstanceOf(RequestRejected.class).hasMessageContaining("spread or pack");
  }
}
