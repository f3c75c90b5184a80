package io.hotclone.hypervisor.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedStorageTest {
  private static final int WIDTH = 8;
  private final Path dir = tempDir();
  private final SharedStorage storage = new SharedStorage(dir);

  @AfterEach
  void close() throws java.io.IOException {
    storage.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void afterAFreezeWritesGoToNewBlocksAndTheBaseNeverChanges() {
    Layer disk = storage.newDisk();
    write(disk, 3, "v1");
    Layer base = disk;
    disk = storage.freeze(base);
    String baseDigest = storage.digest(base);

    write(disk, 3, "v2");

    assertThat(read(disk, 3)).isEqualTo("v2");
    assertThat(read(base, 3)).isEqualTo("v1");
    assertThat(storage.digest(base)).isEqualTo(baseDigest);
    assertThat(storage.stats().liveBlocks()).isEqualTo(2);
  }

  @Test
  void aCloneBranchSeesTheBaseButNeverItsSiblingsWrites() {
    Layer source = storage.newDisk();
    write(source, 0, "base");
    Layer base = source;
    source = storage.freeze(base);
    Layer clone = storage.branch(base);

    write(source, 0, "src");
    write(clone, 1, "cln");

    assertThat(read(clone, 0)).isEqualTo("base");
    assertThat(read(source, 1)).isEmpty();
    assertThat(read(source, 0)).isEqualTo("src");
    assertThat(read(clone, 1)).isEqualTo("cln");
  }

  @Test
  void blocksAreFreedOnlyWhenNothingRefersToThem() {
    Layer source = storage.newDisk();
    write(source, 0, "base");
    Layer base = source;
    source = storage.freeze(base);
    Layer clone = storage.branch(base);
    write(source, 0, "src");

    storage.release(source);
    assertThat(read(clone, 0)).isEqualTo("base");
    assertThat(storage.stats()).isEqualTo(new StorageStats(1, 2, 2));

    storage.release(clone);
    assertThat(storage.stats()).isEqualTo(new StorageStats(0, 0, 0));
  }

  @Test
  void compactionAbsorbsOnlyBasesNobodyElseUses() {
    Layer top = storage.newDisk();
    write(top, 0, "a");
    write(top, 1, "b");
    Layer shared = top;
    top = storage.freeze(shared);
    Layer clone = storage.branch(shared);
    write(top, 1, "c");
    Layer unshared = top;
    top = storage.freeze(unshared);
    write(top, 2, "d");

    assertThat(storage.compact(top)).isEqualTo(1);

    assertThat(storage.layer(unshared.id)).isEmpty();
    assertThat(storage.layer(shared.id)).isPresent();
    assertThat(read(top, 0) + read(top, 1) + read(top, 2)).isEqualTo("acd");
    assertThat(read(clone, 1)).isEqualTo("b");
    storage.release(top);
    storage.release(clone);
    assertThat(storage.stats()).isEqualTo(new StorageStats(0, 0, 0));
  }

  private void write(Layer l, int block, String text) {
    storage.write(l, block, 10, ByteBuffer.wrap(pad(text)));
  }

  private String read(Layer l, int block) {
    ByteBuffer b = ByteBuffer.allocate(WIDTH);
    storage.read(l, block, 10, b);
    return new String(b.array(), java.nio.charset.StandardCharsets.ISO_8859_1).replace("\0", "");
  }

  private static byte[] pad(String s) {
    return java.util.Arrays.copyOf(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), WIDTH);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("shared-storage");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
