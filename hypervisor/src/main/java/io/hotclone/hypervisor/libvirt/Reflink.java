package io.hotclone.hypervisor.libvirt;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * A copy that shares the source's blocks: Linux's {@code FICLONE} (reflink) makes a new file whose
 * extents are the source's, copy-on-write, so it costs no data written and no space until one of
 * the two files is written — then only the written blocks get their own copy. Filesystems with
 * reflinks (XFS with {@code reflink=1}, Btrfs, OCFS2, some NFS 4.2 servers) do it; on the others
 * (ext4, tmpfs, most network filesystems) the call fails with {@code EOPNOTSUPP}, {@code EXDEV}
 * (another filesystem) or {@code EINVAL}, and {@link #tryClone} says so and leaves nothing behind.
 * The clone is atomic: either the whole file shares the source's extents or the call fails.
 */
final class Reflink {
  /** {@code _IOW(0x94, 9, int)} from {@code linux/fs.h}. */
  private static final long FICLONE = 0x40049409L;

  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final int O_CLOEXEC = 02000000;

  /** The libc calls, with errno surfaced as {@link LastErrorException}. */
  interface CLib extends Library {
    int open(String path, int flags, int mode) throws LastErrorException;

    int ioctl(int fd, NativeLong request, int arg) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  private static final class Holder {
    static final CLib C = Native.load("c", CLib.class);
  }

  private Reflink() {}

  /**
   * Makes {@code to} (must not exist) a clone of {@code from}'s blocks, with {@code from}'s mode.
   *
   * @return true when {@code to} now shares {@code from}'s blocks; false when the filesystem cannot
   *     (nothing is left at {@code to})
   * @throws IOException when {@code from} cannot be read or {@code to} cannot be created
   */
  static boolean tryClone(Path from, Path to) throws IOException {
    int mode = mode(Files.getPosixFilePermissions(from));
    CLib c = Holder.C;
    int src = open(c, from, O_RDONLY | O_CLOEXEC, 0);
    try {
      int dst = open(c, to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      boolean cloned = false;
      try {
        c.ioctl(dst, new NativeLong(FICLONE), src);
        cloned = true;
      } catch (LastErrorException e) {
        // EOPNOTSUPP, EXDEV, EINVAL, ENOTTY: this filesystem (or pair of them) cannot share blocks
      } finally {
        closeQuietly(c, dst);
        if (!cloned) {
          Files.deleteIfExists(to);
        }
      }
      return cloned;
    } finally {
      closeQuietly(c, src);
    }
  }

  private static int open(CLib c, Path path, int flags, int mode) throws IOException {
    try {
      return c.open(path.toString(), flags, mode);
    } catch (LastErrorException e) {
      throw new IOException("open " + path + ": errno " + e.getErrorCode(), e);
    }
  }

  private static void closeQuietly(CLib c, int fd) {
    try {
      c.close(fd);
    } catch (LastErrorException ignored) {
      // nothing was written through it that a close could lose
    }
  }

  private static int mode(Set<PosixFilePermission> perms) {
    int m = 0;
    for (PosixFilePermission p : perms) {
      m |= 1 << (8 - p.ordinal());
    }
    return m;
  }
}
