package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A guest's page memory in two tiers: the first chunks are the slow {@link Tier#SWAP} tier, mapped
 * from a file; the rest is the {@link Tier#RAM} tier, off-heap. Chunks of 64 pages are allocated on
 * first write, so untouched memory costs nothing and reads as zero.
 *
 * <p>Freezing: once a tier is frozen, a write to one of its pages goes to a per-page buffer (a copy
 * of the page made on first write) and reads see the buffer first; the frozen pages themselves do
 * not change. {@link #cut()} seals the buffers written so far into the cut overlay: the frozen image
 * at the cut is the overlay over the frozen pages ({@link #readCut}); the overlay is not changed
 * until the merge, which must not overlap a reader of the cut. {@link #mergeBatch} writes buffers
 * back into the pages (newest first) and empties buffers and overlay. All methods except {@link #readCut} and {@link #isZeroCutPage} are
 * called under the owning VM's lock; those two are safe from another thread while the memory stays
 * frozen.
 */
final class PageMemory implements AutoCloseable {
  static final int PAGE = 4096;
  static final int CHUNK_PAGES = 64;
  static final int CHUNK = PAGE * CHUNK_PAGES;

  /** Memory tiers, slowest first. */
  enum Tier { SWAP, RAM }

  final long pages;
  final long swapPages;
  private final ByteBuffer[] chunks;
  private final Path swapPath;
  private final FileChannel swap;
  private final boolean[] frozen = new boolean[Tier.values().length];
  private Map<Long, byte[]> active = new HashMap<>();
  private volatile Map<Long, byte[]> cutOverlay;

  PageMemory(long bytes, double swapFraction, Path swapPath) {
    if (bytes <= 0 || bytes % CHUNK != 0) {
      throw new IllegalArgumentException("memory must be a positive multiple of " + CHUNK);
    }
    this.pages = bytes / PAGE;
    long nChunks = pages / CHUNK_PAGES;
    if (nChunks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("memory too large");
    }
    long swapChunks = nChunks < 2 ? 0 : Math.max(1, Math.round(nChunks * swapFraction));
    this.swapPages = Math.min(swapChunks, nChunks - 1) * CHUNK_PAGES;
    this.chunks = new ByteBuffer[(int) nChunks];
    this.swapPath = swapPath;
    try {
      Files.createDirectories(swapPath.getParent());
      this.swap = swapPages == 0 ? null : FileChannel.open(swapPath, StandardOpenOption.CREATE,
          StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new HypervisorException.DriverFailure("cannot create swap file", e);
    }
  }

  Tier tierOf(long page) {
    return page < swapPages ? Tier.SWAP : Tier.RAM;
  }

  void freeze(Tier tier) {
    frozen[tier.ordinal()] = true;
  }

  boolean isFrozen(Tier tier) {
    return frozen[tier.ordinal()];
  }

  /** Seals the buffers written since the tiers froze into the immutable cut overlay. */
  void cut() {
    cutOverlay = active;
    active = new HashMap<>();
  }

  boolean hasCut() {
    return cutOverlay != null;
  }

  /** Unfreezes every tier; buffered pages stay buffered until merged. Returns the pages to merge. */
  List<Long> thawTiers() {
    java.util.Arrays.fill(frozen, false);
    List<Long> pending = new ArrayList<>(active.keySet());
    Map<Long, byte[]> overlay = cutOverlay;
    if (overlay != null) {
      for (Long p : overlay.keySet()) {
        if (!active.containsKey(p)) {
          pending.add(p);
        }
      }
    }
    return pending;
  }

  /** Merges the given pending pages (newest buffer wins); returns how many were merged. */
  int mergeBatch(List<Long> pending, int from, int to) {
    Map<Long, byte[]> overlay = cutOverlay;
    int merged = 0;
    for (int i = from; i < to; i++) {
      long p = pending.get(i);
      byte[] content = active.remove(p);
      byte[] sealed = overlay == null ? null : overlay.remove(p);
      if (content == null) {
        content = sealed;
      }
      if (content != null) {
        chunk(p, true).put(offset(p), content);
        merged++;
      }
    }
    return merged;
  }

  /** Ends a merge: drops the cut overlay (every pending page was merged). */
  void endMerge() {
    Map<Long, byte[]> overlay = cutOverlay;
    if (!active.isEmpty() || (overlay != null && !overlay.isEmpty())) {
      throw new IllegalStateException("unmerged buffers left");
    }
    cutOverlay = null;
  }

  int bufferedPages() {
    Map<Long, byte[]> overlay = cutOverlay;
    return active.size() + (overlay == null ? 0 : overlay.size());
  }

  /** Guest write of {@code value}s (8 bytes each) at {@code offset} of {@code page}. */
  void writeLongs(long page, int offset, long... values) {
    byte[] buf = active.get(page);
    if (buf == null) {
      Map<Long, byte[]> overlay = cutOverlay;
      byte[] sealed = overlay == null ? null : overlay.get(page);
      if (sealed != null || frozen[tierOf(page).ordinal()]) {
        buf = sealed != null ? sealed.clone() : readPage(page);
        active.put(page, buf);
      }
    }
    if (buf != null) {
      ByteBuffer b = ByteBuffer.wrap(buf);
      for (int i = 0; i < values.length; i++) {
        b.putLong(offset + 8 * i, values[i]);
      }
    } else {
      ByteBuffer c = chunk(page, true);
      int base = offset(page) + offset;
      for (int i = 0; i < values.length; i++) {
        c.putLong(base + 8 * i, values[i]);
      }
    }
  }

  /** The page as the guest sees it now (buffer, then cut overlay, then the page). */
  byte[] read(long page) {
    byte[] buf = active.get(page);
    if (buf != null) {
      return buf.clone();
    }
    Map<Long, byte[]> overlay = cutOverlay;
    byte[] sealed = overlay == null ? null : overlay.get(page);
    return sealed != null ? sealed.clone() : readPage(page);
  }

  /** Writes a whole page directly (restoring an image into a VM that is not running). */
  void load(long page, ByteBuffer content) {
    chunk(page, true).put(offset(page), content, content.position(), PAGE);
  }

  /** The page as it was at the cut: the sealed overlay, then the frozen page. */
  void readCut(long page, ByteBuffer dst) {
    Map<Long, byte[]> overlay = cutOverlay;
    byte[] sealed = overlay == null ? null : overlay.get(page);
    if (sealed != null) {
      dst.put(sealed);
      return;
    }
    ByteBuffer c = chunk(page, false);
    if (c == null) {
      dst.put(new byte[PAGE]);
    } else {
      dst.put(c.duplicate().position(offset(page)).limit(offset(page) + PAGE));
    }
  }

  /** Whether the whole chunk holding {@code page} was never written (fast zero-page skip). */
  boolean chunkUntouched(long page) {
    Map<Long, byte[]> overlay = cutOverlay;
    if (overlay != null && !overlay.isEmpty()) {
      long first = page - page % CHUNK_PAGES;
      for (long p = first; p < first + CHUNK_PAGES; p++) {
        if (overlay.containsKey(p)) {
          return false;
        }
      }
    }
    return chunks[(int) (page / CHUNK_PAGES)] == null;
  }

  /** SHA-256 over the non-zero pages of the image at the cut ({@code atCut}) or as seen now. */
  String digest(boolean atCut) {
    MessageDigest sha = SharedStorage.sha256();
    ByteBuffer page = ByteBuffer.allocate(PAGE);
    for (long p = 0; p < pages; p++) {
      byte[] content;
      if (atCut) {
        if (chunkUntouched(p)) {
          p += CHUNK_PAGES - 1 - p % CHUNK_PAGES;
          continue;
        }
        page.clear();
        readCut(p, page);
        content = page.array();
      } else {
        content = read(p);
      }
      if (!isZero(content, 0, PAGE)) {
        sha.update(ByteBuffer.allocate(8).putLong(0, p).array());
        sha.update(content);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private byte[] readPage(long page) {
    byte[] out = new byte[PAGE];
    ByteBuffer c = chunk(page, false);
    if (c != null) {
      c.get(offset(page), out);
    }
    return out;
  }

  private static int offset(long page) {
    return (int) (page % CHUNK_PAGES) * PAGE;
  }

  private ByteBuffer chunk(long page, boolean create) {
    int i = (int) (page / CHUNK_PAGES);
    ByteBuffer c = chunks[i];
    if (c == null && create) {
      try {
        c = page < swapPages
            ? swap.map(FileChannel.MapMode.READ_WRITE, (long) i * CHUNK, CHUNK)
            : ByteBuffer.allocateDirect(CHUNK);
      } catch (IOException e) {
        throw new HypervisorException.DriverFailure("cannot map swap chunk", e);
      }
      chunks[i] = c;
    }
    return c;
  }

  private static final byte[] ZERO = new byte[BlockArena.BLOCK];

  static boolean isZero(byte[] b, int from, int len) {
    return java.util.Arrays.mismatch(b, from, from + len, ZERO, 0, len) < 0;
  }

  /** Whether {@code b} between position and limit is all zero; position and limit are unchanged. */
  static boolean isZero(ByteBuffer b) {
    return b.mismatch(ByteBuffer.wrap(ZERO, 0, b.remaining())) < 0;
  }

  @Override
  public void close() {
    java.util.Arrays.fill(chunks, null);
    try {
      if (swap != null) {
        swap.close();
      }
      Files.deleteIfExists(swapPath);
    } catch (IOException e) {
      throw new HypervisorException.DriverFailure("cannot delete swap file", e);
    }
  }
}
