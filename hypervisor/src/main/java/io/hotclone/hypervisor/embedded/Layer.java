package io.hotclone.hypervisor.embedded;

import java.util.HashMap;
import java.util.Map;

/**
 * One layer of a copy-on-write disk: a map from block index to the arena slot this layer owns,
 * over an optional parent layer. A disk is its top layer; reads fall through to parents. Once
 * {@link #frozen} is set the map and its blocks never change again (a shared, immutable base).
 * {@code refs} counts the child layers, VMs and storage pointers that use this layer; when it falls
 * to zero the layer's blocks are freed and its parent loses a reference. A frozen layer referenced
 * only by the mutable layer above it is visible to nobody else and may be absorbed into it
 * ({@link SharedStorage#compact}), which keeps chains short. Guarded by the owning
 * {@link SharedStorage} (refs) and by the writing VM's lock (the map of a mutable layer).
 */
final class Layer {
  final String id;
  /** Changes only for a mutable layer, when {@link SharedStorage#compact} absorbs its parent. */
  Layer parent;
  final Map<Integer, Integer> slots = new HashMap<>();
  volatile boolean frozen;
  int refs = 1;

  Layer(String id, Layer parent) {
    this.id = id;
    this.parent = parent;
  }

  /** The slot holding {@code block} as seen from this layer, or -1 if it was never written. */
  int find(int block) {
    for (Layer l = this; l != null; l = l.parent) {
      Integer s = l.slots.get(block);
      if (s != null) {
        return s;
      }
    }
    return -1;
  }
}
