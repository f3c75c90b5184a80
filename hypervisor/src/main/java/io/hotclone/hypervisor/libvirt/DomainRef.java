package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.VmState;
import com.sun.jna.ptr.IntByReference;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** A domain handle on a host; {@link #close()} frees the native handle. */
record DomainRef(HostName host, Domain domain) implements AutoCloseable {

  VmId id() {
    try {
      return new VmId(domain.getUUIDString());
    } catch (LibvirtException e) {
      throw Failures.driver("domain uuid", e);
    }
  }

  String name() {
    try {
      return domain.getName();
    } catch (LibvirtException e) {
      throw Failures.driver("domain name", e);
    }
  }

  /** Live XML when running, persistent XML otherwise. */
  String xml() {
    try {
      return domain.getXMLDesc(0);
    } catch (LibvirtException e) {
      throw Failures.driver("domain XML of " + host, e);
    }
  }

  boolean active() {
    try {
      return domain.isActive() == 1;
    } catch (LibvirtException e) {
      throw Failures.driver("domain state", e);
    }
  }

  /** State through virDomainGetState (one call, no XML). */
  VmState state() {
    IntByReference state = new IntByReference();
    IntByReference reason = new IntByReference();
    if (LibvirtNative.get().virDomainGetState(NativeHandles.of(domain), state, reason, 0) < 0) {
      throw Failures.nativeCall("virDomainGetState");
    }
    return stateOf(state.getValue());
  }

  /** virDomainState: 1 running, 2 blocked, 3 paused, 4 shutdown, 5 shutoff, 6 crashed, 7 pm. */
  static VmState stateOf(int virDomainState) {
    switch (virDomainState) {
      case 1:
      case 2:
        return VmState.RUNNING;
      case 3:
      case 7:
        return VmState.PAUSED;
      case 5:
        return VmState.DEFINED;
      default:
        return VmState.STOPPED;
    }
  }

  @Override
  public void close() {
    try {
      domain.free();
    } catch (LibvirtException ignored) {
      // already freed
    }
  }
}
