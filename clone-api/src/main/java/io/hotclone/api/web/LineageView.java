package io.hotclone.api.web;

import io.hotclone.api.persistence.VmRecord;
import io.hotclone.api.persistence.VmDisk;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The lineage of a VM from the read model: {@code ancestors} from the parent up to the root (nearest
 * first) and all {@code descendants} (children first), each with its parent, generation, the clone
 * operation that made it and its storage pointer, and for clones the pointer of every disk with the
 * frozen base it reads ({@code disks}, device order; empty for VMs not made by a clone).
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
      String storagePointer,
      List<VmDisk> disks) {

    static Entry of(VmRecord r, Map<String, List<VmDisk>> disks) {
      return new Entry(
          r.id(), r.name(), r.host(), r.state(), r.parentVm(), r.rootVm(), r.generation(), r.cloneId(),
          r.storagePointer(), disks.getOrDefault(r.id(), List.of()));
    }
  }

  static LineageView of(
      VmRecord vm, List<VmRecord> ancestors, List<VmRecord> descendants, Map<String, List<VmDisk>> disks) {
    return new LineageView(
        Entry.of(vm, disks),
        ancestors.stream().map(r -> Entry.of(r, disks)).toList(),
        descendants.stream().map(r -> Entry.of(r, disks)).toList());
  }
}
