package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The memory image of a background snapshot, in libvirt's save-image layout so the copy, CRC,
 * identity rewrite and restore paths treat it like the image of a live snapshot: a {@link
 * SaveImageHeader} (version 2, was_running 1, raw, no cookie), a data area of {@link #DATA_LENGTH}
 * bytes, then QEMU's migration stream, which QEMU appends through a descriptor the driver opened.
 *
 * <p>As libvirt does, the file carries the magic {@code LibvirtQemudPart} until it is complete:
 * {@link #reserve} writes the header with it and a zeroed data area, {@link #complete} writes the
 * domain XML into the data area and only then the final magic, each flushed to disk. A crash in
 * between leaves a file every reader refuses. Owner-only (0600): it holds the guest's memory.
 */
final class BackgroundImage {
  /** Room for the domain XML and for a rewritten, longer one (clone identity, lineage). */
  static final int DATA_LENGTH = 64 * 1024;

  private BackgroundImage() {}

  /** Creates (or truncates) {@code file} as an incomplete save image with an empty data area. */
  static void reserve(Path file) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.allocate(SaveImageHeader.SIZE + DATA_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SaveImageHeader.PARTIAL).putInt(2).putInt(DATA_LENGTH).putInt(1).putInt(0).putInt(0);
        b.position(0);
        ch.write(b);
        ch.force(true);
      }
    } catch (IOException e) {
      throw new HypervisorException.DriverFailure("cannot create memory image " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code domainXml} into the data area, flushes, then marks the image complete. */
  static void complete(Path file, String domainXml) {
    byte[] xml = domainXml.getBytes(StandardCharsets.UTF_8);
    if (xml.length + 1 > DATA_LENGTH) {
      throw new HypervisorException.DriverFailure("domain XML of " + xml.length + " bytes does not fit the save image", null);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(Arrays.copyOf(xml, DATA_LENGTH)), SaveImageHeader.SIZE);
      ch.force(true);
      ch.write(ByteBuffer.wrap(SaveImageHeader.MAGIC), 0);
      ch.force(true);
    } catch (IOException e) {
      throw new HypervisorException.DriverFailure("cannot complete memory image " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code file} exists and carries the final magic. */
  static boolean isComplete(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer magic = ByteBuffer.allocate(SaveImageHeader.MAGIC.length);
      ch.read(magic, 0);
      return Arrays.equals(magic.array(), SaveImageHeader.MAGIC);
    } catch (IOException e) {
      return false;
    }
  }
}
