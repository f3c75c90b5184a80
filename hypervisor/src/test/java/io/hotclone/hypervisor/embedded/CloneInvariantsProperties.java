package io.hotclone.hypervisor.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * I1–I3 with the guest workload running concurrently: the guest keeps writing memory and disk
 * between the storage freeze and the cut, while memory is frozen, and after the clone.
 *
 * <p>Each property runs on {@value #TRIES} random cases drawn from a seed given in the case's name,
 * so a failing case can be replayed. (Plain JUnit parameterized tests rather than a property-testing
 * library: jqwik 1.10 asks AI agents not to use it, and these properties need no shrinking.)
 */
class CloneInvariantsProperties {

  private static final int TRIES = 8;

  /** Random triples, each value in [min, max] of its column; the seed is the first argument. */
  private static Stream<Arguments> cases(long salt, int[][] ranges) {
    long base = Long.getLong("hotclone.seed", System.nanoTime()) ^ salt;
    return IntStream.range(0, TRIES).mapToObj(i -> {
      long seed = base + i;
      Random r = new Random(seed);
      Object[] args = new Object[ranges.length + 1];
      args[0] = seed;
      for (int k = 0; k < ranges.length; k++) {
        args[k + 1] = ranges[k][0] + r.nextInt(ranges[k][1] - ranges[k][0] + 1);
      }
      return Arguments.of(args);
    });
  }

  static Stream<Arguments> i1Cases() {
    return cases(1, new int[][] {{1, 40}, {1, 40}, {1, 40}});
  }

  static Stream<Arguments> i2Cases() {
    return cases(2, new int[][] {{1, 30}, {5, 60}, {0, 30}});
  }

  static Stream<Arguments> i3Cases() {
    return cases(3, new int[][] {{1, 30}, {1, 30}, {0, 15}});
  }

  @ParameterizedTest(name = "seed {0}: before={1} between={2} frozen={3}")
  @MethodSource("i1Cases")
  void i1CloneEqualsSourceAtTheCut(long seed, int before, int between, int frozen) {
    try (EmbeddedFixture f = new EmbeddedFixture()) {
      VmId src = f.newVm("src");
      f.advance(src, before);
      EmbeddedFixture.Clone c = f.cloneOf(src, between, frozen, EmbeddedFixture.identity("clone"));
      VmId clone = c.configured().id();

      long cut = c.configured().guest().counter();
      // Disk writes between the storage freeze and the cut reached the clone, later ones did not.
      assertThat(cut).isGreaterThan(c.counterAtStorageFreeze());
      assertThat(cut).isLessThan(f.counter(src));
      // Memory, disk, registers and checksum of the clone are exactly the source's state at `cut`.
      assertThat(f.hv.verifyGuest(clone).mismatches()).isEmpty();

      f.hv.startClone(OperationId.of(c.cloneId(), "start", 1), clone);
      CloneCut record = f.hv.cloneCut(clone).orElseThrow();
      assertThat(record.sourceCounter()).isEqualTo(cut);
      assertThat(record.cloneStartCounter()).isEqualTo(cut);
      assertThat(record.cloneMemoryDigest()).isEqualTo(record.sourceMemoryDigest()).isNotEmpty();
      assertThat(record.cloneDiskDigest()).isEqualTo(record.sourceDiskDigest()).isNotEmpty();

      // The clone's guest continues from the copied state.
      long later = f.advance(clone, 5);
      assertThat(later).isGreaterThanOrEqualTo(cut + 5);
      f.hv.pauseGuest(clone);
      assertThat(f.hv.verifyGuest(clone).mismatches()).isEmpty();
    }
  }

  @ParameterizedTest(name = "seed {0}: between={1} frozen={2} after={3}")
  @MethodSource("i2Cases")
  void i2NoWriteLostAfterUnfreeze(long seed, int between, int frozen, int after) {
    try (EmbeddedFixture f = new EmbeddedFixture()) {
      VmId src = f.newVm("src");
      f.advance(src, 10);
      EmbeddedFixture.Clone c = f.cloneOf(src, between, frozen, EmbeddedFixture.identity("clone"));
      assertThat(c.bufferedWhileFrozen()).as("guest wrote into buffers while frozen").isPositive();
      assertThat(f.hv.bufferedPages(src)).isZero();
      f.advance(src, after);
      f.hv.pauseGuest(src);
      GuestCheck check = f.hv.verifyGuest(src);
      assertThat(check.counter()).isGreaterThan(c.configured().guest().counter());
      assertThat(check.mismatches()).isEmpty();
    }
  }

  @ParameterizedTest(name = "seed {0}: between={1} after={2} block={3}")
  @MethodSource("i3Cases")
  void i3IsolationImmutableBaseAndRefcounts(long seed, int between, int after, int block) {
    try (EmbeddedFixture f = new EmbeddedFixture()) {
      VmId src = f.newVm("src");
      f.advance(src, 10);
      EmbeddedFixture.Clone c = f.cloneOf(src, between, 3, EmbeddedFixture.identity("clone"));
      VmId clone = c.configured().id();
      String storageBase = f.hv.baseDigest(c.storage().baseRef());
      String cutBase = f.hv.baseDigest(c.memory().baseRef());
      f.hv.startClone(OperationId.of(c.cloneId(), "start", 1), clone);
      f.advance(src, after);
      f.advance(clone, after);
      f.hv.pauseGuest(src);
      f.hv.pauseGuest(clone);
      assertThat(f.hv.verifyGuest(src).mismatches()).isEmpty();
      assertThat(f.hv.verifyGuest(clone).mismatches()).isEmpty();

      byte[] before = f.hv.readDiskBlock(clone, block);
      byte[] marker = ("source-only " + block).getBytes(StandardCharsets.US_ASCII);
      f.hv.writeDisk(src, block, 100, marker);
      assertThat(f.hv.readDiskBlock(clone, block)).isEqualTo(before);
      byte[] srcBefore = f.hv.readDiskBlock(src, block);
      f.hv.writeDisk(clone, block, 200, "clone-only".getBytes(StandardCharsets.US_ASCII));
      assertThat(f.hv.readDiskBlock(src, block)).isEqualTo(srcBefore);

      assertThat(f.hv.baseDigest(c.storage().baseRef())).isEqualTo(storageBase);
      assertThat(f.hv.baseDigest(c.memory().baseRef())).isEqualTo(cutBase);

      f.hv.destroyVm(src);
      assertThat(f.hv.baseDigest(c.memory().baseRef())).as("base kept alive by the clone").isEqualTo(cutBase);
      assertThat(f.hv.storageStats().liveBlocks()).isPositive();
      f.hv.destroyVm(clone);
      assertThat(f.hv.storageStats()).isEqualTo(new StorageStats(0, 0, 0));
    }
  }
}
