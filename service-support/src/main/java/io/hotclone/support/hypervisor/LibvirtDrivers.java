package io.hotclone.support.hypervisor;

import io.hotclone.hypervisor.FaultPoints;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.libvirt.LibvirtHypervisor;
import io.hotclone.hypervisor.libvirt.LibvirtOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Builds the libvirt driver from {@code hotclone.hypervisor.*} (hosts: name → libvirt URI). */
final class LibvirtDrivers {
  private LibvirtDrivers() {}

  static Hypervisor create(HypervisorProperties p, FaultPoints faults) {
    if (p.getHosts().isEmpty()) {
      throw new IllegalArgumentException("hotclone.hypervisor.hosts must map host names to libvirt URIs");
    }
    Map<HostName, String> uris = new LinkedHashMap<>();
    Map<HostName, Path> dirs = new LinkedHashMap<>();
    p.getHosts().forEach((name, uri) -> {
      HostName host = new HostName(name);
      uris.put(host, uri);
      dirs.put(host, p.getHostDirs().getOrDefault(name, p.getStorageDir().resolve("hosts").resolve(name)));
    });
    LibvirtOptions options =
        LibvirtOptions.of(p.getStorageDir(), dirs)
            .withChainDepthBudget(p.getChainDepthBudget())
            .withMaxDowntimeMillis(p.getMaxDowntimeMillis())
            .withCopyMode(LibvirtOptions.CopyMode.valueOf(p.getCopyMode().toUpperCase(Locale.ROOT)))
            .withMemoryFreeze(memoryFreeze(p.getMemoryFreeze()));
    if (p.getGuestDir() != null) {
      options = options.withGuestDir(p.getGuestDir());
    }
    return new LibvirtHypervisor(uris, options, faults);
  }

  /** {@code live}, {@code background} or {@code auto} (also the enum's own names). */
  static LibvirtOptions.MemoryFreezeMethod memoryFreeze(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    return switch (v) {
      case "LIVE", "LIVE_SNAPSHOT" -> LibvirtOptions.MemoryFreezeMethod.LIVE_SNAPSHOT;
      case "BACKGROUND", "BACKGROUND_SNAPSHOT" -> LibvirtOptions.MemoryFreezeMethod.BACKGROUND_SNAPSHOT;
      case "AUTO" -> LibvirtOptions.MemoryFreezeMethod.AUTO;
      default -> throw new IllegalArgumentException(
          "hotclone.hypervisor.memory-freeze must be live, background or auto, not '" + value + "'");
    };
  }
}
