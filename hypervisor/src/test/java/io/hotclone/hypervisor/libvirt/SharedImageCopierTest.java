package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.HypervisorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SHARED copy mode's file work on synthetic save images (no libvirt): the copy, its CRC-32C
 * check against the frozen image, idempotence, and {@code CorruptImage} on a bad copy or a bad
 * frozen image, which never leaves a copy behind.
 */
class SharedImageCopierTest {
  @TempDir Path dir;

  @Test
  void givenAFrozenImage_whenCopied_thenTheCopyIsEqualVerifiedAndPrivate() throws Exception {
    Path frozen = image("LibvirtQemudSave", 3_000_000);
    Path copy = dir.resolve("c-copy-1.state.img");

    SharedImageCopier.Copied c = new SharedImageCopier().copy(frozen, copy);

    assertThat(c.bytes()).isEqualTo(Files.size(frozen));
    assertThat(c.crc32c()).isEqualTo(crc(Files.readAllBytes(frozen)));
    assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(frozen));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).as("mode of the frozen image kept").isEqualTo("rw-------");
  }

  @Test
  void givenAnEqualCopy_whenCopiedAgain_thenItIsKeptAndTheResultIsTheSame() throws Exception {
    Path frozen = image("LibvirtQemudSave", 500_000);
    Path copy = dir.resolve("c-copy-1.state.img");
    SharedImageCopier.Copied first = new SharedImageCopier().copy(frozen, copy);
    long inode = (long) Files.getAttribute(copy, "unix:ino");

    SharedImageCopier.Copied again = new SharedImageCopier((a, b) -> {
      throw new AssertionError("an equal copy must not be copied again");
    }).copy(frozen, copy);

    assertThat(again).isEqualTo(first);
    assertThat((long) Files.getAttribute(copy, "unix:ino")).isEqualTo(inode);
  }

  @Test
  void givenATornCopyFromAnEarlierAttempt_whenCopied_thenItIsRedone() throws Exception {
    Path frozen = image("LibvirtQemudSave", 500_000);
    Path copy = dir.resolve("c-copy-1.state.img");
    Files.write(copy, java.util.Arrays.copyOf(Files.readAllBytes(frozen), 4096));

    SharedImageCopier.Copied c = new SharedImageCopier().copy(frozen, copy);

    assertThat(c.bytes()).isEqualTo(Files.size(frozen));
    assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(frozen));
  }

  @Test
  void givenACopyThatDiffersFromTheFrozenImage_whenCopied_thenCorruptImageAndNoCopyLeft() throws Exception {
    Path frozen = image("LibvirtQemudSave", 500_000);
    Path copy = dir.resolve("c-copy-1.state.img");
    SharedImageCopier flipsAByte = new SharedImageCopier((from, to) -> {
      byte[] b = Files.readAllBytes(from);
      b[400_000] ^= 0x01;
      Files.write(to, b);
      return false;
    });

    assertThatThrownBy(() -> flipsAByte.copy(frozen, copy))
        .isInstanceOf(HypervisorException.CorruptImage.class)
        .hasMessageContaining("does not match");
    assertThat(copy).doesNotExist();
  }

  @Test
  void givenAShortCopy_whenCopied_thenCorruptImageAndNoCopyLeft() throws Exception {
    Path frozen = image("LibvirtQemudSave", 500_000);
    Path copy = dir.resolve("c-copy-1.state.img");
    SharedImageCopier truncates = new SharedImageCopier((from, to) -> {
      Files.write(to, java.util.Arrays.copyOf(Files.readAllBytes(from), 250_000));
      return false;
    });

    assertThatThrownBy(() -> truncates.copy(frozen, copy)).isInstanceOf(HypervisorException.CorruptImage.class);
    assertThat(copy).doesNotExist();
  }

  @Test
  void givenAnIncompleteFrozenImage_whenCopied_thenCorruptImageBeforeAnyCopy() throws Exception {
    Path frozen = image("LibvirtQemudPart", 100_000);
    Path copy = dir.resolve("c-copy-1.state.img");

    assertThatThrownBy(() -> new SharedImageCopier().copy(frozen, copy))
        .isInstanceOf(HypervisorException.CorruptImage.class)
        .hasMessageContaining("never completed");
    assertThat(copy).doesNotExist();
  }

  @Test
  void givenAFileThatIsNoSaveImage_whenCopied_thenCorruptImage() throws Exception {
    Path frozen = image("NotASaveImage!!!", 100_000);

    assertThatThrownBy(() -> new SharedImageCopier().copy(frozen, dir.resolve("x.state.img")))
        .isInstanceOf(HypervisorException.CorruptImage.class)
        .hasMessageContaining("magic");
  }

  @Test
  void givenNoFrozenImage_whenCopied_thenDriverFailure() {
    assertThatThrownBy(() -> new SharedImageCopier().copy(dir.resolve("missing.memory.img"), dir.resolve("x.state.img")))
        .isInstanceOf(HypervisorException.DriverFailure.class);
  }

  /** A save image: header with {@code magic}, version 2, a 4 KiB data area, random "RAM". */
  private Path image(String magic, int length) throws IOException {
    byte[] b = new byte[length];
    new Random(length).nextBytes(b);
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    h.put(magic.getBytes(StandardCharsets.US_ASCII));
    h.putInt(2).putInt(4096).putInt(1).putInt(0).putInt(0);
    for (int i = 36; i < SaveImageHeader.SIZE; i++) {
      b[i] = 0;
    }
    byte[] xml = "<domain type='qemu'><name>src</name></domain>\0".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(xml, 0, b, SaveImageHeader.SIZE, xml.length);
    Path file = dir.resolve("c.memory.img");
    Files.write(file, b);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static String crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return String.format("%08x", c.getValue());
  }
}
