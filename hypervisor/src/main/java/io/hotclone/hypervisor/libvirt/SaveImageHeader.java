package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header of a libvirt QEMU save image (what a live external memory snapshot writes): 16-byte
 * magic {@code LibvirtQemudSave}, then little-endian u32 version, data_len, was_running,
 * compressed, cookieOffset and 14 unused u32 (92 bytes). The data area of data_len bytes holds
 * the domain XML, NUL, the cookie XML, NUL and zero padding; QEMU's migration stream (RAM, vCPU,
 * device state) follows it.
 *
 * <p>{@link #withXml} replaces the XML while keeping data_len, so the migration stream stays where
 * it is and the file can be patched in place: only the first {@link #regionLength()} bytes change.
 * A file still marked {@code LibvirtQemudPart} was never completed and is refused.
 */
record SaveImageHeader(int version, int dataLength, int wasRunning, int compressed, int cookieOffset) {
  static final int SIZE = 92;
  static final byte[] MAGIC = "LibvirtQemudSave".getBytes(StandardCharsets.US_ASCII);
  static final byte[] PARTIAL = "LibvirtQemudPart".getBytes(StandardCharsets.US_ASCII);

  static SaveImageHeader parse(byte[] bytes) {
    if (bytes.length < SIZE) {
      throw new HypervisorException.CorruptImage("save image shorter than its header");
    }
    byte[] magic = Arrays.copyOf(bytes, 16);
    if (Arrays.equals(magic, PARTIAL)) {
      throw new HypervisorException.CorruptImage("save image was never completed (LibvirtQemudPart)");
    }
    if (!Arrays.equals(magic, MAGIC)) {
      throw new HypervisorException.CorruptImage("not a libvirt QEMU save image (bad magic)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 16, 20).order(ByteOrder.LITTLE_ENDIAN);
    SaveImageHeader h = new SaveImageHeader(b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt());
    if (h.version < 2 || h.version > 3) {
      throw new HypervisorException.CorruptImage("unsupported save image version " + h.version);
    }
    if (h.dataLength <= 0 || h.cookieOffset < 0 || h.cookieOffset >= h.dataLength) {
      throw new HypervisorException.CorruptImage("inconsistent save image header " + h);
    }
    return h;
  }

  /** Header plus data area: the bytes {@link #withXml} rewrites. */
  long regionLength() {
    return SIZE + (long) dataLength;
  }

  /** The domain XML of an image, given at least {@link #regionLength()} leading bytes. */
  String domainXml(byte[] region) {
    requireRegion(region);
    int end = indexOfNul(region, SIZE, SIZE + dataLength);
    return new String(region, SIZE, end - SIZE, StandardCharsets.UTF_8);
  }

  /**
   * The first {@link #regionLength()} bytes of the image with {@code xml} as its domain XML: same
   * data_len, the cookie copied after the new XML and cookieOffset moved to it.
   */
  byte[] withXml(byte[] region, String xml) {
    requireRegion(region);
    byte[] newXml = xml.getBytes(StandardCharsets.UTF_8);
    byte[] cookie = new byte[0];
    if (cookieOffset > 0) {
      int start = SIZE + cookieOffset;
      cookie = Arrays.copyOfRange(region, start, indexOfNul(region, start, SIZE + dataLength));
    }
    int needed = newXml.length + 1 + (cookieOffset > 0 ? cookie.length + 1 : 0);
    if (needed > dataLength) {
      throw new HypervisorException.CorruptImage(
          "rewritten XML does not fit the save image padding: " + needed + " > " + dataLength);
    }
    byte[] out = new byte[SIZE + dataLength];
    System.arraycopy(region, 0, out, 0, SIZE);
    System.arraycopy(newXml, 0, out, SIZE, newXml.length);
    int newCookieOffset = 0;
    if (cookieOffset > 0) {
      newCookieOffset = newXml.length + 1;
      System.arraycopy(cookie, 0, out, SIZE + newCookieOffset, cookie.length);
    }
    ByteBuffer.wrap(out, 32, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(newCookieOffset);
    return out;
  }

  private void requireRegion(byte[] region) {
    if (region.length < regionLength()) {
      throw new HypervisorException.CorruptImage("save image shorter than its data area");
    }
  }

  private static int indexOfNul(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == 0) {
        return i;
      }
    }
    throw new HypervisorException.CorruptImage("unterminated string in save image data area");
  }
}
