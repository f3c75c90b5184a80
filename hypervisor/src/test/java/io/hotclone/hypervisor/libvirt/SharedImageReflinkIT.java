package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SHARED copy mode on shared storage that has reflinks: a real XFS filesystem ({@code
 * reflink=1}) on a loop device, made and mounted by this test (root and xfsprogs, which
 * {@code scripts/libvirt/setup.sh} installs; it fails rather than skips without them). Four clones
 * of one frozen memory image take no space of their own, hold the frozen image's bytes, and the
 * header rewrite one clone's definition makes in place reaches neither the frozen image nor the
 * other clones. The byte-copy fallback runs in {@link SharedImageCopierTest} (a filesystem without
 * reflinks).
 */
class SharedImageReflinkIT {
  private static final int IMAGE_BYTES = 64 << 20;

  @TempDir static Path work;
  private static Path mnt;

  @BeforeAll
  static void mountXfs() throws Exception {
    Path fs = work.resolve("shared.xfs");
    try (RandomAccessFile f = new RandomAccessFile(fs.toFile(), "rw")) {
      f.setLength(512L << 20);
    }
    run("mkfs.xfs", "-q", "-m", "reflink=1", fs.toString());
    mnt = Files.createDirectory(work.resolve("shared"));
    run("mount", "-o", "loop", fs.toString(), mnt.toString());
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mnt != null) {
      run("umount", mnt.toString());
    }
  }

  @Test
  void givenAFrozenImageOnXfs_whenFourClonesAreCopied_thenTheyShareItsBlocksAndAHeaderRewriteStaysPrivate() throws Exception {
    Path frozen = frozenImage(mnt.resolve("c.memory.img"));
    String frozenCrc = crc(Files.readAllBytes(frozen));
    long freeBefore = free();

    List<Path> copies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Path copy = mnt.resolve("c-copy-" + i + ".state.img");
      SharedImageCopier.Copied c = new SharedImageCopier().copy(frozen, copy);
      assertThat(c.reflinked()).as("copy %d made as a reflink", i).isTrue();
      assertThat(c.crc32c()).isEqualTo(frozenCrc);
      assertThat(c.bytes()).isEqualTo(IMAGE_BYTES);
      assertThat(crc(Files.readAllBytes(copy))).as("bytes of copy %d", i).isEqualTo(frozenCrc);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rw-------");
      copies.add(copy);
    }
    long used = freeBefore - free();
    assertThat(used).as("space four copies of a %d-byte image took", IMAGE_BYTES).isLessThan(IMAGE_BYTES / 8);

    // what CloneDefiner does to a clone's own image: its domain XML rewritten in place
    byte[] xml = "<domain type='qemu'><name>clone-0</name></domain>\0".getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(copies.get(0), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(xml), SaveImageHeader.SIZE);
      ch.force(false);
    }
    assertThat(crc(Files.readAllBytes(copies.get(0)))).isNotEqualTo(frozenCrc);
    assertThat(crc(Files.readAllBytes(frozen))).as("the frozen image after a clone's header rewrite").isEqualTo(frozenCrc);
    assertThat(crc(Files.readAllBytes(copies.get(1)))).as("another clone's image after it").isEqualTo(frozenCrc);
  }

  private static Path frozenImage(Path file) throws IOException {
    byte[] b = new byte[IMAGE_BYTES];
    new Random(7).nextBytes(b);
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    h.put("LibvirtQemudSave".getBytes(StandardCharsets.US_ASCII));
    h.putInt(2).putInt(4096).putInt(1).putInt(0).putInt(0);
    for (int i = 36; i < SaveImageHeader.SIZE + 4096; i++) {
      b[i] = 0;
    }
    byte[] xml = "<domain type='qemu'><name>src</name></domain>\0".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(xml, 0, b, SaveImageHeader.SIZE, xml.length);
    Files.write(file, b);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true); // allocated on disk, so the free space below counts only the copies
    }
    return file;
  }

  private static long free() throws IOException {
    run("sync", "-f", mnt.toString());
    return Files.getFileStore(mnt).getUnallocatedSpace();
  }

  private static String crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return String.format("%08x", c.getValue());
  }

  private static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
