package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HypervisorException;
import org.libvirt.Error;
import org.libvirt.LibvirtException;

/** Maps libvirt errors onto the SPI's sealed failures. */
final class Failures {
  private Failures() {}

  static HypervisorException driver(String what, LibvirtException e) {
    return new HypervisorException.DriverFailure(what + ": " + e.getMessage(), e);
  }

  static boolean is(LibvirtException e, Error.ErrorNumber number) {
    return e.getError() != null && e.getError().getCode() == number;
  }

  static boolean notFound(LibvirtException e) {
    return is(e, Error.ErrorNumber.VIR_ERR_NO_DOMAIN)
        || is(e, Error.ErrorNumber.VIR_ERR_NO_STORAGE_VOL)
        || is(e, Error.ErrorNumber.VIR_ERR_NO_STORAGE_POOL);
  }

  /** The failure of a {@link LibvirtNative} call, with this thread's last libvirt error. */
  static HypervisorException nativeCall(String what) {
    String message = LibvirtNative.get().virGetLastErrorMessage();
    return new HypervisorException.DriverFailure(
        what + ": " + (message == null ? "unknown libvirt error" : message), null);
  }
}
