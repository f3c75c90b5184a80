package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One memory-mapped arena file of fixed-size 64 KiB block slots in shared storage, mapped in 256
 * MiB segments as it grows. A slot is either free or owned by exactly one {@link Layer}; freed slots
 * are reused. Reads, writes and copies are plain memory copies (no system call per guest write) and
 * are safe from several threads on different slots; allocation is synchronized. The caller
 * guarantees it never writes a slot owned by a frozen layer. The arena is scratch space, not a
 * durable store: nothing is forced to disk, and the file is deleted on {@link #close}.
 */
final class BlockArena implements AutoCloseable {
  static final int BLOCK = 64 * 1024;
  private static final int SEGMENT_BLOCKS = 4096;
  private static final long SEGMENT = (long) SEGMENT_BLOCKS * BLOCK;
  private static final byte[] ZEROS = new byte[BLOCK];

  private final Path file;
  private final FileChannel channel;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private volatile MappedByteBuffer[] segments = new MappedByteBuffer[0];
  private int next;
  private int live;

  BlockArena(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.getParent());
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh slot with undefined content (callers initialise all of it). */
  synchronized int allocate() {
    live++;
    Integer reused = free.poll();
    if (reused != null) {
      return reused;
    }
    int slot = next++;
    int seg = slot / SEGMENT_BLOCKS;
    if (seg >= segments.length) {
      MappedByteBuffer[] grown = Arrays.copyOf(segments, seg + 1);
      try {
        grown[seg] = channel.map(FileChannel.MapMode.READ_WRITE, seg * SEGMENT, SEGMENT);
      } catch (IOException e) {
        throw new HypervisorException.DriverFailure("cannot grow the block arena", e);
      }
      segments = grown;
    }
    return slot;
  }

  synchronized void free(int slot) {
    live--;
    free.push(slot);
  }

  synchronized int liveBlocks() {
    return live;
  }

  /** Copies {@code dst.remaining()} bytes of {@code slot} from {@code offset} into {@code dst}. */
  void read(int slot, int offset, ByteBuffer dst) {
    int n = dst.remaining();
    dst.put(view(slot, offset, n));
  }

  void write(int slot, int offset, ByteBuffer src) {
    int n = src.remaining();
    view(slot, offset, n).put(src);
  }

  void zero(int slot) {
    view(slot, 0, BLOCK).put(ZEROS);
  }

  /** Copies the whole block {@code from} into {@code to}. */
  void copy(int from, int to) {
    view(to, 0, BLOCK).put(view(from, 0, BLOCK));
  }

  private ByteBuffer view(int slot, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > BLOCK) {
      throw new IndexOutOfBoundsException("block range " + offset + "+" + length);
    }
    int start = (slot % SEGMENT_BLOCKS) * BLOCK + offset;
    return segments[slot / SEGMENT_BLOCKS].duplicate().position(start).limit(start + length);
  }

  @Override
  public void close() {
    segments = new MappedByteBuffer[0];
    try {
      channel.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
