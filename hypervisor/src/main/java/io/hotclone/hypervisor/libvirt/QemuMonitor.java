package io.hotclone.hypervisor.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.hotclone.hypervisor.HypervisorException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * QMP commands sent through libvirt's QEMU monitor passthrough ({@code libvirt-qemu}:
 * virDomainQemuMonitorCommand, and ...WithFiles to hand QEMU a file descriptor over the
 * connection's socket). libvirt marks a domain it was used on as tainted ("custom-monitor"): it
 * no longer vouches for state it did not change itself. Callers restore every QEMU setting they
 * change before returning.
 */
final class QemuMonitor {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The libvirt-qemu calls libvirt-java 0.5.2 does not bind, and libc's open/close. */
  interface Native_ extends Library {
    int virDomainQemuMonitorCommand(Pointer domain, String cmd, PointerByReference result, int flags);

    int virDomainQemuMonitorCommandWithFiles(
        Pointer domain, String cmd, int ninfiles, int[] infiles, Pointer noutfiles, Pointer outfiles, PointerByReference result, int flags);
  }

  interface LibC extends Library {
    int open(String path, int flags, int mode);

    int close(int fd);
  }

  private static final class Holder {
    static final Native_ QEMU = Native.load("virt-qemu", Native_.class);
    static final LibC LIBC = Native.load("c", LibC.class);
  }

  static final int O_WRONLY = 01;
  static final int O_APPEND = 02000;
  static final int O_CLOEXEC = 02000000;

  private QemuMonitor() {}

  /** The {@code return} member of {@code command}'s answer; a QMP error becomes a DriverFailure. */
  static JsonNode execute(DomainRef d, String command, String argumentsJson) {
    return answer(d, command, call(d, qmp(command, argumentsJson), null));
  }

  /** As {@link #execute}, passing QEMU a duplicate of {@code fd} along with the command. */
  static JsonNode executeWithFd(DomainRef d, String command, String argumentsJson, int fd) {
    return answer(d, command, call(d, qmp(command, argumentsJson), new int[] {fd}));
  }

  /** Opens {@code path} write-only, appending, for a QEMU that cannot open it itself. */
  static int openAppend(java.nio.file.Path path) {
    int fd = Holder.LIBC.open(path.toString(), O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw new HypervisorException.DriverFailure("open " + path.getFileName() + " for QEMU failed (errno " + Native.getLastError() + ")", null);
    }
    return fd;
  }

  static void close(int fd) {
    Holder.LIBC.close(fd);
  }

  private static String qmp(String command, String argumentsJson) {
    return argumentsJson == null
        ? "{\"execute\":\"" + command + "\"}"
        : "{\"execute\":\"" + command + "\",\"arguments\":" + argumentsJson + "}";
  }

  private static String call(DomainRef d, String cmd, int[] fds) {
    PointerByReference result = new PointerByReference();
    Pointer dom = NativeHandles.of(d.domain());
    int rc = fds == null
        ? Holder.QEMU.virDomainQemuMonitorCommand(dom, cmd, result, 0)
        : Holder.QEMU.virDomainQemuMonitorCommandWithFiles(dom, cmd, fds.length, fds, null, null, result, 0);
    if (rc < 0) {
      throw Failures.nativeCall("QEMU monitor command on " + d.name());
    }
    Pointer p = result.getValue();
    try {
      return p.getString(0);
    } finally {
      Native.free(Pointer.nativeValue(p));
    }
  }

  private static JsonNode answer(DomainRef d, String command, String reply) {
    try {
      JsonNode node = JSON.readTree(reply);
      if (node.has("error")) {
        throw new HypervisorException.DriverFailure(
            "QMP " + command + " on " + d.name() + ": " + node.path("error").path("desc").asString(reply), null);
      }
      return node.path("return");
    } catch (JacksonException e) {
      throw new HypervisorException.DriverFailure("QMP " + command + ": unreadable answer " + reply, e);
    }
  }
}
