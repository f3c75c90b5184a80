package io.hotclone.hypervisor.embedded;

import io.hotclone.hypervisor.StoragePointer;
import io.hotclone.hypervisor.VmId;
import java.util.UUID;

/**
 * A storage pointer: a mutable layer over a cut base, made for one clone id and bound to at most one
 * VM ({@code boundTo}, set when a clone is configured on it). An unbound pointer is released with
 * its clone id; a bound one goes with its VM.
 */
final class PointerRecord {
  final StoragePointer pointer;
  final Layer layer;
  final UUID cloneId;
  final long diskBytes;
  VmId boundTo;

  PointerRecord(StoragePointer pointer, Layer layer, UUID cloneId, long diskBytes) {
    this.pointer = pointer;
    this.layer = layer;
    this.cloneId = cloneId;
    this.diskBytes = diskBytes;
  }
}
