package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * The file work of {@link LibvirtOptions.CopyMode#SHARED}: turns the frozen memory image in shared
 * storage into one clone's own image beside it, without a byte passing through libvirt.
 *
 * <p>Each clone needs a file of its own because the clone definition rewrites the domain XML in
 * the image header in place, and the frozen image serves every clone of one freeze until the
 * memory thaw deletes it. Where the filesystem shares blocks between files ({@link Reflink}: XFS,
 * Btrfs) the clone's file is a reflink of the frozen image: no data written, no space taken, and
 * the header rewrite gives the clone its own copy of the few blocks it writes — so N clones of one
 * freeze hold one memory image between them. Such a copy is not read back (it holds the frozen
 * image's own blocks, and the clone is atomic): its size and header are checked and its CRC-32C is
 * the frozen image's. Elsewhere the kernel copies the file (sendfile; no JVM buffers), while a
 * second thread computes the CRC-32C of the frozen image; then the copy is read back for its own
 * CRC-32C while a third thread flushes it to disk (fdatasync). The copy counts only if its size
 * and CRC equal the frozen image's and its header carries the save-image magic and a supported
 * version; otherwise it is deleted and the copy fails with {@code CorruptImage}. An existing copy
 * (an earlier attempt) is kept only if it passes the same check, so a repeat returns the same
 * result and a torn copy is redone.
 */
final class SharedImageCopier {
  private static final int CHUNK = 1 << 20;
  private static final ExecutorService IO =
      Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "libvirt-shared-copy");
        t.setDaemon(true);
        return t;
      });

  /** Copies one file to a new one (must not exist). */
  @FunctionalInterface
  interface FileCopy {
    /** @return true when the copy shares the source's blocks (a reflink), false for a byte copy */
    boolean copy(Path from, Path to) throws IOException;
  }

  /**
   * What the copy holds: its length and CRC-32C (8 hex digits), equal to the frozen image's, and
   * whether this call made it as a reflink of the frozen image (a repeat that finds an equal copy
   * says false: it does not tell how an earlier attempt made it).
   */
  record Copied(long bytes, String crc32c, boolean reflinked) {}

  private final FileCopy fileCopy;

  SharedImageCopier() {
    this(SharedImageCopier::reflinkOrCopy);
  }

  /** With another file copy (tests inject faults here). */
  SharedImageCopier(FileCopy fileCopy) {
    this.fileCopy = fileCopy;
  }

  /** Makes {@code copy} from {@code frozen}, or keeps an existing equal one; see the class. */
  Copied copy(Path frozen, Path copy) {
    try {
      SaveImageHeader.parse(head(frozen));
      long size = Files.size(frozen);
      Future<String> want = IO.submit(() -> crc32c(frozen));
      if (Files.exists(copy)) {
        if (Files.size(copy) == size && crc32c(copy).equals(await(want))) {
          SaveImageHeader.parse(head(copy));
          return new Copied(size, await(want), false);
        }
        Files.delete(copy); // torn or stale: redo it
      }
      boolean ok = false;
      try {
        boolean shared = fileCopy.copy(frozen, copy);
        Future<Void> flushed = IO.submit(flush(copy));
        String have = shared ? null : crc32c(copy);
        long stored = Files.size(copy);
        await(flushed);
        String sent = await(want);
        if (shared) {
          have = sent;
        }
        if (stored != size || !have.equals(sent)) {
          throw new HypervisorException.CorruptImage(
              "memory image copy " + copy.getFileName() + " does not match the frozen image: crc32c "
                  + sent + " and " + size + " bytes frozen, " + have + " and " + stored + " bytes copied");
        }
        SaveImageHeader.parse(head(copy));
        ok = true;
        return new Copied(size, have, shared);
      } finally {
        if (!ok) {
          Files.deleteIfExists(copy);
        }
      }
    } catch (IOException e) {
      throw new HypervisorException.DriverFailure("copy memory image " + frozen.getFileName() + " in shared storage: " + e, e);
    }
  }

  /** A reflink where the filesystem has them, else a byte copy; keeps the source's mode (0600). */
  static boolean reflinkOrCopy(Path from, Path to) throws IOException {
    if (Reflink.tryClone(from, to)) {
      return true;
    }
    Files.copy(from, to);
    return false;
  }

  /** CRC-32C of a whole file (8 hex digits). */
  static String crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        crc.update(buf);
        buf.clear();
      }
    }
    return String.format("%08x", crc.getValue());
  }

  private static byte[] head(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(SaveImageHeader.SIZE);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // fill the header
      }
    }
    byte[] bytes = new byte[buf.position()];
    buf.flip().get(bytes);
    return bytes;
  }

  private static Callable<Void> flush(Path file) {
    return () -> {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.force(false);
      }
      return null;
    };
  }

  private static <T> T await(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new HypervisorException.DriverFailure("interrupted while copying a memory image", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IOException(cause);
    }
  }
}
