package io.hotclone.hypervisor.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PageMemoryTest {
  private final Path swap = swapFile();
  private final PageMemory memory = new PageMemory(4L * PageMemory.CHUNK, 0.25, swap);
  private final long swapPage = 1;
  private final long ramPage = 4 * PageMemory.CHUNK_PAGES - 1;

  @AfterEach
  void close() throws java.io.IOException {
    memory.close();
    Files.deleteIfExists(swap.getParent());
  }

  @Test
  void theCutHoldsWritesBufferedBeforeItAndNoneAfter() {
    assertThat(memory.tierOf(swapPage)).isEqualTo(PageMemory.Tier.SWAP);
    assertThat(memory.tierOf(ramPage)).isEqualTo(PageMemory.Tier.RAM);
    memory.writeLongs(swapPage, 0, 1);
    memory.freeze(PageMemory.Tier.SWAP);
    memory.writeLongs(swapPage, 0, 2); // buffered: swap frozen, before the cut
    memory.writeLongs(ramPage, 0, 3); // direct: ram not frozen yet
    memory.freeze(PageMemory.Tier.RAM);
    memory.cut();
    memory.writeLongs(swapPage, 0, 4); // after the cut
    memory.writeLongs(ramPage, 0, 5);

    assertThat(cut(swapPage)).isEqualTo(2);
    assertThat(cut(ramPage)).isEqualTo(3);
    assertThat(now(swapPage)).isEqualTo(4);
    assertThat(now(ramPage)).isEqualTo(5);
    assertThat(memory.bufferedPages()).isEqualTo(3); // sealed swap page + two post-cut buffers
  }

  @Test
  void theMergeWritesTheNewestBufferBackAndEmptiesTheBuffers() {
    memory.freeze(PageMemory.Tier.SWAP);
    memory.writeLongs(swapPage, 0, 7);
    memory.freeze(PageMemory.Tier.RAM);
    memory.cut();
    memory.writeLongs(swapPage, 0, 8);

    List<Long> pending = memory.thawTiers();
    memory.writeLongs(swapPage, 8, 9); // the guest writes between merge batches
    int merged = memory.mergeBatch(pending, 0, pending.size());
    memory.endMerge();

    assertThat(merged).isEqualTo(1);
    assertThat(memory.bufferedPages()).isZero();
    assertThat(now(swapPage)).isEqualTo(8);
    assertThat(ByteBuffer.wrap(memory.read(swapPage)).getLong(8)).isEqualTo(9);
    memory.writeLongs(swapPage, 0, 10); // unfrozen: straight to the page
    assertThat(memory.bufferedPages()).isZero();
    assertThat(now(swapPage)).isEqualTo(10);
  }

  private long cut(long page) {
    ByteBuffer b = ByteBuffer.allocate(PageMemory.PAGE);
    memory.readCut(page, b);
    return b.getLong(0);
  }

  private long now(long page) {
    return ByteBuffer.wrap(memory.read(page)).getLong(0);
  }

  private static Path swapFile() {
    try {
      return Files.createTempDirectory("page-memory").resolve("vm.swap");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
