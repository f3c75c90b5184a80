package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.HypervisorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundImageTest {
  @TempDir Path dir;

  @Test
  void aReservedImageIsRefusedUntilCompleted() throws Exception {
    Path image = dir.resolve("c.memory.img");
    BackgroundImage.reserve(image);
    Files.write(image, "QEVM-stream".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);

    assertThat(Files.getPosixFilePermissions(image)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(BackgroundImage.isComplete(image)).isFalse();
    assertThatThrownBy(() -> SaveImageHeader.parse(Files.readAllBytes(image)))
        .isInstanceOf(HypervisorException.CorruptImage.class)
        .hasMessageContaining("never completed");

    BackgroundImage.complete(image, "<domain><name>src</name></domain>");
    byte[] bytes = Files.readAllBytes(image);
    SaveImageHeader h = SaveImageHeader.parse(bytes);
    assertThat(BackgroundImage.isComplete(image)).isTrue();
    assertThat(h).isEqualTo(new SaveImageHeader(2, BackgroundImage.DATA_LENGTH, 1, 0, 0));
    assertThat(h.domainXml(bytes)).isEqualTo("<domain><name>src</name></domain>");
    assertThat(Arrays.copyOfRange(bytes, (int) h.regionLength(), bytes.length))
        .as("the stream QEMU appended follows the data area untouched")
        .isEqualTo("QEVM-stream".getBytes(StandardCharsets.US_ASCII));
    String rewritten = "<domain><name>a-much-longer-clone-name</name><uuid>x</uuid></domain>";
    assertThat(h.domainXml(h.withXml(bytes, rewritten))).as("room for the identity rewrite").isEqualTo(rewritten);
  }

  @Test
  void anXmlLargerThanTheDataAreaIsRefused() {
    Path image = dir.resolve("big.memory.img");
    BackgroundImage.reserve(image);
    assertThatThrownBy(() -> BackgroundImage.complete(image, "x".repeat(BackgroundImage.DATA_LENGTH)))
        .isInstanceOf(HypervisorException.DriverFailure.class);
    assertThat(BackgroundImage.isComplete(image)).isFalse();
  }

  @Test
  void onlyLocalSocketConnectionsPassFileDescriptors() {
    assertThat(BackgroundSnapshotter.passesFds("qemu:///system")).isTrue();
    assertThat(BackgroundSnapshotter.passesFds("qemu+unix:///system")).isTrue();
    assertThat(BackgroundSnapshotter.passesFds("qemu+tcp://10.0.0.2/system")).isFalse();
    assertThat(BackgroundSnapshotter.passesFds("qemu+ssh://root@host/system")).isFalse();
    assertThat(BackgroundSnapshotter.passesFds("qemu+tls://host/system")).isFalse();
  }
}
