package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.OperationId;
import io.hotclone.hypervisor.VmId;
import java.util.UUID;

/**
 * Deterministic names of everything the driver creates, from the VM, the clone id and the step,
 * so a repeated or resumed step finds what its first attempt made.
 */
final class Names {
  private Names() {}

  /** The source's overlay created by the storage freeze; frozen at the cut, the clone's base. */
  static String storageOverlay(VmId vm, UUID cloneId) {
    return vm.value() + "." + cloneId + ".storage.qcow2";
  }

  /**
   * The storage overlay of disk {@code index} (target {@code target}): the primary disk's keeps the
   * plain name, every other disk's carries its target ({@code <vm>.<clone>.vdb.storage.qcow2}).
   */
  static String storageOverlay(VmId vm, UUID cloneId, int index, String target) {
    return vm.value() + "." + cloneId + tag(index, target) + ".storage.qcow2";
  }

  /** The cut overlay of disk {@code index}, named like {@link #storageOverlay(VmId, UUID, int, String)}. */
  static String cutOverlay(VmId vm, UUID cloneId, int index, String target) {
    return vm.value() + "." + cloneId + tag(index, target) + ".cut.qcow2";
  }

  /** A clone's own overlay of disk {@code index} over that disk's base. */
  static String cloneDisk(OperationId op, int index, String target) {
    return op.fileSafe() + tag(index, target) + ".clone.qcow2";
  }

  /** An extra root disk of a VM the driver creates. */
  static String rootDisk(String domainName, int index, String target) {
    return domainName + tag(index, target) + ".root.qcow2";
  }

  private static String tag(int index, String target) {
    if (index == 0) {
      return "";
    }
    if (target == null || !target.matches("[a-z0-9]+")) {
      throw new IllegalArgumentException("disk target '" + target + "' is not a device name");
    }
    return "." + target;
  }

  /** The source's overlay created at the cut by the memory freeze. */
  static String cutOverlay(VmId vm, UUID cloneId) {
    return vm.value() + "." + cloneId + ".cut.qcow2";
  }

  /** The memory image on the source host. */
  static String memoryImage(UUID cloneId) {
    return cloneId + ".memory.img";
  }

  /** The copied memory image on a target host. */
  static String copiedImage(OperationId op) {
    return op.fileSafe() + ".state.img";
  }

  /** A clone's own disk overlay over the base. */
  static String cloneDisk(OperationId op) {
    return op.fileSafe() + ".clone.qcow2";
  }

  static String serialLog(String domainName) {
    return domainName + ".serial.log";
  }

  static String rootDisk(String domainName) {
    return domainName + ".root.qcow2";
  }

  static boolean belongsTo(String fileName, UUID cloneId) {
    return fileName.contains(cloneId.toString());
  }
}
