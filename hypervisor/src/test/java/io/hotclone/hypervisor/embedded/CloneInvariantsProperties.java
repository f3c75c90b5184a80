package io.hotclone.hypervisor.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * I1–I3 with the guest workload running concurrently: the guest keeps writing memory and disk
 * between the storage freeze and the cut, while memory is frozen, and after the clone.
 */
class CloneInvariantsProperties {

  @Property(tries = 8)
  void i1CloneEqualsSourceAtTheCut(@ForAll @IntRange(min = 1, max = 40) int before,
      @ForAll @IntRange(min = 1, max = 40) int between, @ForAll @IntRange(min = 1, max = 40) int frozen) {
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

  @Property(tries = 8)
  void i2NoWriteLostAfterUnfreeze(@ForAll @IntRange(min = 1, max = 30) int between,
      @ForAll @IntRange(min = 5, max = 60) int frozen, @ForAll @IntRange(min = 0, max = 30) int after) {
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

  @Property(tries = 8)
  void i3IsolationImmutableBaseAndRefcounts(@ForAll @IntRange(min = 1, max = 30) int between,
      @ForAll @IntRange(min = 1, max = 30) int after, @ForAll @IntRange(min = 0, max = 15) int block) {
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
