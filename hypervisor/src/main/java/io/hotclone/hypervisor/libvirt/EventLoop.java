package io.hotclone.hypervisor.libvirt;

import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, registered before the first connection is opened and run on one
 * daemon thread for the life of the JVM (libvirt cannot unregister it). Lifecycle events and
 * keep-alives of remote connections need it.
 */
final class EventLoop {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
  private static boolean started;
  /** Strongly held: libvirt keeps the native pointer. */
  private static final LibvirtNative.ErrorFunc SILENT = (userData, error) -> {};

  private EventLoop() {}

  static synchronized void ensureRunning() {
    if (started) {
      return;
    }
    // libvirt prints every error (also expected "not found" lookups) to stderr unless told not to
    LibvirtNative.get().virSetErrorFunc(null, SILENT);
    try {
      Library.initEventLoop();
    } catch (LibvirtException e) {
      throw Failures.driver("libvirt event loop", e);
    }
    Thread thread =
        new Thread(
            () -> {
              try {
                Library.runEventLoop();
              } catch (LibvirtException | InterruptedException e) {
                log.warn("libvirt event loop ended: {}", e.getMessage());
              }
            },
            "libvirt-event-loop");
    thread.setDaemon(true);
    thread.start();
    started = true;
  }
}
