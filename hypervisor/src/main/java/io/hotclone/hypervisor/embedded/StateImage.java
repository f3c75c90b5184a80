package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The on-disk image of a frozen VM: magic {@code HCLNIMG1}, format version, page size, memory and
 * disk size, guest counter and checksum, vCPU registers, device state, then {@code (index, 4 KiB)}
 * for every non-zero page, an end marker with the page count, and a CRC32C of everything before
 * it. {@link #write} writes to a temporary file, forces it to disk and renames it atomically, so an
 * image that exists is complete. {@link #read} verifies the whole file before loading anything.
 */
final class StateImage {
  static final long MAGIC = 0x48434c4e494d4731L; // "HCLNIMG1"
  static final int VERSION = 1;
  private static final int IO_BUFFER = 1 << 20;

  private StateImage() {}

  /** Header of an image. */
  record Header(long memoryBytes, long diskBytes, long counter, long checksum, long[] registers,
      long[] devices) {}

  /** What {@link #write} produced. */
  record Written(long bytes, long pagesCopied, long zeroPagesSkipped, String checksum) {}

  /**
   * Writes {@code memory} as it was at the cut; the caller keeps the memory frozen meanwhile. The
   * image appears complete or not at all: a failed write deletes its temporary file.
   */
  static Written write(Path target, Header h, PageMemory memory) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    long bytes = 0;
    long copied = 0;
    long skipped = 0;
    try {
      Files.createDirectories(target.getParent());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.allocateDirect(IO_BUFFER);
        buf.putLong(MAGIC).putInt(VERSION).putInt(PageMemory.PAGE);
        buf.putLong(h.memoryBytes()).putLong(h.diskBytes()).putLong(h.counter()).putLong(h.checksum());
        putLongs(buf, h.registers());
        putLongs(buf, h.devices());
        for (long p = 0; p < memory.pages; p++) {
          if (p % PageMemory.CHUNK_PAGES == 0 && memory.chunkUntouched(p)) {
            skipped += PageMemory.CHUNK_PAGES;
            p += PageMemory.CHUNK_PAGES - 1;
            continue;
          }
          if (buf.remaining() < 8 + PageMemory.PAGE) {
            bytes += flush(ch, buf, crc);
          }
          int start = buf.position();
          buf.putLong(p);
          memory.readCut(p, buf);
          if (PageMemory.isZero(buf.duplicate().position(start + 8).limit(buf.position()))) {
            buf.position(start);
            skipped++;
          } else {
            copied++;
          }
        }
        if (buf.remaining() < 16) {
          bytes += flush(ch, buf, crc);
        }
        buf.putLong(-1).putLong(copied);
        bytes += flush(ch, buf, crc);
        int sum = (int) crc.getValue();
        buf.putInt(sum);
        buf.flip();
        while (buf.hasRemaining()) {
          bytes += ch.write(buf);
        }
        ch.force(true);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Written(bytes, copied, skipped, String.format("crc32c:%08x", sum));
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp); // a copy that failed leaves nothing
      } catch (IOException ignored) {
        e.addSuppressed(ignored);
      }
      throw new HypervisorException.DriverFailure("cannot write image " + target.getFileName(), e);
    }
  }

  /** Page loader of {@link #read}. */
  interface PageSink {
    PageMemory begin(Header header);
  }

  /**
   * Verifies magic, version and CRC32C of the image, then loads its pages into the memory {@code
   * sink} creates for the header. Throws {@code CorruptImage} on any mismatch.
   */
  static PageMemory read(Path image, PageSink sink) {
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 64) {
        throw new HypervisorException.CorruptImage("image too short: " + image.getFileName());
      }
      verifyCrc(ch, size, image);
      Reader r = new Reader(ch, size - 4);
      if (r.getLong() != MAGIC) {
        throw new HypervisorException.CorruptImage("bad magic in " + image.getFileName());
      }
      int version = r.getInt();
      if (version != VERSION || r.getInt() != PageMemory.PAGE) {
        throw new HypervisorException.CorruptImage("unsupported image version " + version);
      }
      Header h = new Header(r.getLong(), r.getLong(), r.getLong(), r.getLong(), r.getLongs(), r.getLongs());
      PageMemory memory = sink.begin(h);
      long count = 0;
      for (long p = r.getLong(); p != -1; p = r.getLong()) {
        if (p < 0 || p >= memory.pages) {
          memory.close();
          throw new HypervisorException.CorruptImage("page index out of range: " + p);
        }
        memory.load(p, r.slice(PageMemory.PAGE));
        count++;
      }
      if (r.getLong() != count) {
        memory.close();
        throw new HypervisorException.CorruptImage("page count mismatch in " + image.getFileName());
      }
      return memory;
    } catch (IOException e) {
      throw new HypervisorException.CorruptImage("cannot read image " + image.getFileName() + ": " + e);
    }
  }

  private static void verifyCrc(FileChannel ch, long size, Path image) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(IO_BUFFER);
    long pos = 0;
    long end = size - 4;
    while (pos < end) {
      buf.clear().limit((int) Math.min(IO_BUFFER, end - pos));
      int n = ch.read(buf, pos);
      if (n <= 0) {
        throw new HypervisorException.CorruptImage("truncated image " + image.getFileName());
      }
      pos += n;
      crc.update(buf.flip());
    }
    ByteBuffer stored = ByteBuffer.allocate(4);
    ch.read(stored, end);
    if (stored.getInt(0) != (int) crc.getValue()) {
      throw new HypervisorException.CorruptImage("checksum mismatch in " + image.getFileName());
    }
  }

  private static void putLongs(ByteBuffer buf, long[] values) {
    buf.putInt(values.length);
    for (long v : values) {
      buf.putLong(v);
    }
  }

  private static long flush(FileChannel ch, ByteBuffer buf, CRC32C crc) throws IOException {
    buf.flip();
    crc.update(buf.duplicate());
    long n = 0;
    while (buf.hasRemaining()) {
      n += ch.write(buf);
    }
    buf.clear();
    return n;
  }

  /** Sequential reader over the verified part of an image. */
  private static final class Reader {
    private final FileChannel ch;
    private final long end;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(IO_BUFFER).limit(0);
    private long pos;

    Reader(FileChannel ch, long end) {
      this.ch = ch;
      this.end = end;
    }

    private void need(int n) throws IOException {
      if (buf.remaining() >= n) {
        return;
      }
      buf.compact();
      while (buf.position() < n) {
        int want = (int) Math.min(buf.remaining(), end - pos);
        if (want <= 0) {
          throw new HypervisorException.CorruptImage("image ends early");
        }
        int got = ch.read(buf.limit(buf.position() + want), pos);
        if (got <= 0) {
          throw new HypervisorException.CorruptImage("image ends early");
        }
        pos += got;
        buf.limit(buf.capacity());
      }
      buf.flip();
    }

    long getLong() throws IOException {
      need(8);
      return buf.getLong();
    }

    int getInt() throws IOException {
      need(4);
      return buf.getInt();
    }

    long[] getLongs() throws IOException {
      int n = getInt();
      if (n < 0 || n > 64) {
        throw new HypervisorException.CorruptImage("bad state length " + n);
      }
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        out[i] = getLong();
      }
      return out;
    }

    ByteBuffer slice(int n) throws IOException {
      need(n);
      ByteBuffer s = buf.duplicate().limit(buf.position() + n);
      buf.position(buf.position() + n);
      return s;
    }
  }
}
