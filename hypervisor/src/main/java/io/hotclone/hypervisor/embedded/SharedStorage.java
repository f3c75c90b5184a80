package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.HypervisorException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared block storage: layered copy-on-write block maps over one {@link BlockArena}. Freezing a
 * disk and branching a clone pointer are O(1) in disk size (a new empty layer over the frozen one).
 * A write to a block the top layer does not own copies the visible 64 KiB block into a new slot
 * first; frozen layers are never written. Callers serialise access to one mutable layer (the VM's
 * lock); reference counts are guarded here.
 */
final class SharedStorage implements AutoCloseable {
  private final BlockArena arena;
  private final Map<String, Layer> layers = new LinkedHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  SharedStorage(Path dir) {
    this.arena = new BlockArena(dir.resolve("shared").resolve("blocks.arena"));
  }

  /** An empty disk: a new mutable root layer with one reference (its owner). */
  synchronized Layer newDisk() {
    return register(new Layer("layer-" + ids.incrementAndGet(), null));
  }

  /**
   * Freezes {@code top} (it becomes an immutable base; the owner's reference now belongs to the new
   * child) and returns the new mutable top the owner writes to from now on.
   */
  synchronized Layer freeze(Layer top) {
    top.frozen = true;
    return register(new Layer("layer-" + ids.incrementAndGet(), top));
  }

  /** A new mutable layer over the frozen {@code base} (a clone pointer): O(1). */
  synchronized Layer branch(Layer base) {
    if (!base.frozen) {
      throw new IllegalStateException("branch of a mutable layer " + base.id);
    }
    base.refs++;
    return register(new Layer("layer-" + ids.incrementAndGet(), base));
  }

  /** One more reference to {@code layer} (a pin that keeps it from being released or absorbed). */
  synchronized void retain(Layer layer) {
    layer.refs++;
  }

  /**
   * Absorbs into the mutable {@code top} every frozen layer below it that only {@code top} refers
   * to: nobody else can see such a layer, so moving its unshadowed blocks up and freeing its
   * shadowed ones changes no visible content. Keeps the chain of a VM cloned many times short and
   * lets freed slots be reused. The caller holds the lock of the VM writing {@code top}.
   */
  synchronized int compact(Layer top) {
    if (top.frozen) {
      throw new IllegalStateException("compact below a frozen layer " + top.id);
    }
    int absorbed = 0;
    for (Layer p = top.parent; p != null && p.frozen && p.refs == 1; p = top.parent) {
      for (Map.Entry<Integer, Integer> e : p.slots.entrySet()) {
        if (top.slots.containsKey(e.getKey())) {
          arena.free(e.getValue());
        } else {
          top.slots.put(e.getKey(), e.getValue());
        }
      }
      top.parent = p.parent;
      layers.remove(p.id);
      absorbed++;
    }
    return absorbed;
  }

  /** Drops one reference; frees the layer's blocks and releases its parent when none are left. */
  synchronized void release(Layer layer) {
    for (Layer l = layer; l != null; ) {
      if (--l.refs > 0) {
        return;
      }
      for (int slot : l.slots.values()) {
        arena.free(slot);
      }
      layers.remove(l.id);
      l = l.parent;
    }
  }

  synchronized Optional<Layer> layer(String id) {
    return Optional.ofNullable(layers.get(id));
  }

  /** Reads {@code dst.remaining()} bytes of {@code block} at {@code offset} as {@code top} sees it. */
  void read(Layer top, int block, int offset, ByteBuffer dst) {
    int slot = top.find(block);
    if (slot < 0) {
      while (dst.hasRemaining()) {
        dst.put((byte) 0);
      }
    } else {
      arena.read(slot, offset, dst);
    }
  }

  /** Writes into the mutable {@code top}, copying the visible block into a new slot first if needed. */
  void write(Layer top, int block, int offset, ByteBuffer src) {
    if (top.frozen) {
      throw new HypervisorException.DriverFailure("write to frozen layer " + top.id, null);
    }
    Integer own = top.slots.get(block);
    if (own == null) {
      int fresh = arena.allocate();
      int visible = top.parent == null ? -1 : top.parent.find(block);
      if (visible < 0) {
        arena.zero(fresh);
      } else {
        arena.copy(visible, fresh);
      }
      top.slots.put(block, fresh);
      own = fresh;
    }
    arena.write(own, offset, src);
  }

  /**
   * SHA-256 over every non-zero block visible from {@code top}, in block order, with its index.
   * Only meaningful while nobody writes the layers involved (a frozen base, or a paused VM).
   */
  String digest(Layer top) {
    TreeSet<Integer> visible = visibleBlocks(top);
    MessageDigest sha = sha256();
    ByteBuffer buf = ByteBuffer.allocate(BlockArena.BLOCK);
    for (int block : visible) {
      buf.clear();
      read(top, block, 0, buf);
      if (!PageMemory.isZero(buf.array(), 0, BlockArena.BLOCK)) {
        sha.update(ByteBuffer.allocate(4).putInt(0, block).array());
        sha.update(buf.array());
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Indexes of every block some layer of the chain of {@code top} holds, ascending. */
  TreeSet<Integer> visibleBlocks(Layer top) {
    TreeSet<Integer> visible = new TreeSet<>();
    for (Layer l = top; l != null; l = l.parent) {
      visible.addAll(l.slots.keySet());
    }
    return visible;
  }

  /**
   * What releasing {@code top} would free: the layers of its chain referenced by nothing else
   * ({@code refs == 1}, from the top down), their blocks, and the references they hold (their own
   * and one on the first shared layer below, if any).
   */
  synchronized StorageStats exclusive(Layer top) {
    int blocks = 0;
    int layerCount = 0;
    long refs = 0;
    Layer l = top;
    for (; l != null && l.refs == 1; l = l.parent) {
      blocks += l.slots.size();
      layerCount++;
      refs++;
    }
    if (l != null && layerCount > 0) {
      refs++;
    }
    return new StorageStats(blocks, layerCount, refs);
  }

  synchronized StorageStats stats() {
    long refs = 0;
    for (Layer l : layers.values()) {
      refs += l.refs;
    }
    return new StorageStats(arena.liveBlocks(), layers.size(), refs);
  }

  private Layer register(Layer l) {
    layers.put(l.id, l);
    return l;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    arena.close();
  }
}
