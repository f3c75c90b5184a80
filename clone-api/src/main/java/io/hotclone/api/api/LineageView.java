package io.hotclone.api.api;

import io.hotclone.api.persistence.VmRecord;
import java.util.List;
import java.util.UUID;

/**
 * The lineage of a VM from the read model: {@code ancestors} from the parent up to the root (nearest
 * first) and all {@code descendants} (children first), each with its parent, generation, the clone
 * operation that made it and its storage pointer.
 */
public record LineageView(Entry vm, List<Entry> ancestors, List<Entry> descendants) {

  /** One VM of a lineage. */
  public record Entry(
      String id,
      String name,
      String host,
      String state,
      String parentVm,
      String rootVm,
      int generation,
      UUID cloneId,
      String storagePointer) {

    static Entry of(VmRecord r) {
      return new Entry(
          r.id(), r.name(), r.host(), r.state(), r.parentVm(), r.rootVm(), r.generation(), r.cloneId(),
          r.storagePointer());
    }
  }

  static LineageView of(VmRecord vm, List<VmRecord> ancestors, List<VmRecord> descendants) {
    return new LineageView(
        Entry.of(vm),
        ancestors.stream().map(Entry::of).toList(),
        descendants.stream().map(Entry::of).toList());
  }
}
