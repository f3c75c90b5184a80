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
