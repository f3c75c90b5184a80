package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotclone.hypervisor.HypervisorException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-place rewrite of the XML in a libvirt save image, on synthetic images. */
class SaveImageHeaderTest {
  private static final String XML = "<domain type='qemu'><name>src</name></domain>\n";
  private static final String COOKIE = "<qemu-migration><name>src</name></qemu-migration>\n";
  private static final byte[] STREAM = "QEVM\0\0\0\3...migration stream...".getBytes(StandardCharsets.ISO_8859_1);

  @Test
  void givenAnImageWithCookie_whenTheXmlIsReplaced_thenCookieMovesAndTheStreamStaysInPlace(@TempDir Path dir) throws Exception {
    byte[] image = image("LibvirtQemudSave", XML, COOKIE, 4096);
    Path file = dir.resolve("mem.img");
    Files.write(file, image);

    byte[] onDisk = Files.readAllBytes(file);
    SaveImageHeader h = SaveImageHeader.parse(onDisk);
    assertThat(h.version()).isEqualTo(2);
    assertThat(h.dataLength()).isEqualTo(4096);
    assertThat(h.cookieOffset()).isEqualTo(XML.length() + 1);
    assertThat(h.domainXml(onDisk)).isEqualTo(XML);

    String longer = "<domain type='qemu'><name>a-much-longer-clone-name</name><uuid>x</uuid></domain>";
    byte[] region = h.withXml(Arrays.copyOf(onDisk, (int) h.regionLength()), longer);
    assertThat(region).hasSize(SaveImageHeader.SIZE + 4096);
    System.arraycopy(region, 0, onDisk, 0, region.length); // in place, as the driver does over a stream

    SaveImageHeader after = SaveImageHeader.parse(onDisk);
    assertThat(after.dataLength()).as("data_len kept").isEqualTo(4096);
    assertThat(after.cookieOffset()).isEqualTo(longer.length() + 1);
    assertThat(after.domainXml(onDisk)).isEqualTo(longer);
    String cookie = new String(onDisk, SaveImageHeader.SIZE + after.cookieOffset(), COOKIE.length(), StandardCharsets.UTF_8);
    assertThat(cookie).isEqualTo(COOKIE);
    assertThat(onDisk[SaveImageHeader.SIZE + after.cookieOffset() + COOKIE.length()]).isZero();
    assertThat(Arrays.copyOfRange(onDisk, SaveImageHeader.SIZE + 4096, onDisk.length)).as("migration stream untouched").isEqualTo(STREAM);
    assertThat(Arrays.copyOfRange(onDisk, 36, 92)).as("unused words untouched").isEqualTo(Arrays.copyOfRange(image, 36, 92));
  }

  @Test
  void givenAnImageWithoutCookie_whenRewritten_thenCookieOffsetStaysZero() {
    byte[] image = image("LibvirtQemudSave", XML, null, 1024);
    SaveImageHeader h = SaveImageHeader.parse(image);
    byte[] region = h.withXml(image, "<domain/>");
    assertThat(SaveImageHeader.parse(region).cookieOffset()).isZero();
    assertThat(SaveImageHeader.parse(region).domainXml(region)).isEqualTo("<domain/>");
  }

  @Test
  void givenXmlLargerThanThePadding_whenRewritten_thenCorruptImage() {
    byte[] image = image("LibvirtQemudSave", XML, COOKIE, XML.length() + COOKIE.length() + 8);
    SaveImageHeader h = SaveImageHeader.parse(image);
    assertThatThrownBy(() -> h.withXml(image, XML + "<!--" + "x".repeat(64) + "-->"))
        .isInstanceOf(HypervisorException.CorruptImage.class)
        .hasMessageContaining("does not fit");
  }

  @Test
  void givenAPartialOrForeignFile_whenParsed_thenCorruptImage() {
    assertThatThrownBy(() -> SaveImageHeader.parse(image("LibvirtQemudPart", XML, COOKIE, 1024)))
        .isInstanceOf(HypervisorException.CorruptImage.class)
        .hasMessageContaining("never completed");
    assertThatThrownBy(() -> SaveImageHeader.parse(image("NotLibvirtAtAll!", XML, COOKIE, 1024)))
        .isInstanceOf(HypervisorException.CorruptImage.class)
        .hasMessageContaining("bad magic");
    assertThatThrownBy(() -> SaveImageHeader.parse(new byte[10])).isInstanceOf(HypervisorException.CorruptImage.class);
  }

  /** A save image as libvirt writes it: header, XML NUL cookie NUL padding, then the stream. */
  static byte[] image(String magic, String xml, String cookie, int dataLen) {
    ByteBuffer header = ByteBuffer.allocate(SaveImageHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    header.put(magic.getBytes(StandardCharsets.US_ASCII));
    header.putInt(2).putInt(dataLen).putInt(1).putInt(0).putInt(cookie == null ? 0 : xml.length() + 1);
    for (int i = 0; i < 14; i++) {
      header.putInt(0x11 * i);
    }
    byte[] data = new byte[dataLen];
    byte[] x = xml.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(x, 0, data, 0, x.length);
    if (cookie != null) {
      byte[] c = cookie.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(c, 0, data, x.length + 1, c.length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header.array());
    out.writeBytes(data);
    out.writeBytes(STREAM);
    return out.toByteArray();
  }
}
