package io.hotclone.support.hypervisor;

import io.hotclone.hypervisor.FaultPoints;
import io.hotclone.hypervisor.HostInfo;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.libvirt.HostAuth;
import io.hotclone.hypervisor.libvirt.LibvirtHypervisor;
import io.hotclone.hypervisor.libvirt.LibvirtOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the libvirt driver from {@code hotclone.hypervisor.*} (hosts: name → libvirt URI). */
final class LibvirtDrivers {
  private static final Logger log = LoggerFactory.getLogger(LibvirtDrivers.class);
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
    Map<HostName, HostAuth> auth = hostAuth(p);
    LibvirtOptions options =
        LibvirtOptions.of(p.getStorageDir(), dirs)
            .withChainDepthBudget(p.getChainDepthBudget())
            .withMaxDowntimeMillis(p.getMaxDowntimeMillis())
            .withCopyMode(LibvirtOptions.CopyMode.valueOf(p.getCopyMode().toUpperCase(Locale.ROOT)))
            .withMemoryFreeze(memoryFreeze(p.getMemoryFreeze()))
            .withHostAuth(auth);
    if (p.getGuestDir() != null) {
      options = options.withGuestDir(p.getGuestDir());
    }
    LibvirtHypervisor hypervisor = new LibvirtHypervisor(uris, options, faults);
    reportUnreachable(hypervisor.hosts());
    return hypervisor;
  }

  /**
   * At start-up, one error per host the driver cannot open, naming the host, its URI and libvirt's
   * reason (a refused credential, a missing certificate); the service starts anyway and shows the
   * host unreachable until it answers.
   */
  static void reportUnreachable(List<HostInfo> hosts) {
    for (HostInfo h : hosts) {
      if (!h.reachable()) {
        log.error(
            "libvirt host {} at {} is unreachable at start-up: {}",
            h.name(), h.uri(), h.reason() == null ? "no reason given" : h.reason());
      }
    }
  }

  /**
   * {@code credentials.<host>} (SASL username + password file or variable, pkipath) and the global
   * {@code pki-path}, per configured host; credentials for a host that is not configured, or a
   * username without a password source, are configuration errors naming the host.
   */
  static Map<HostName, HostAuth> hostAuth(HypervisorProperties p) {
    for (String name : p.getCredentials().keySet()) {
      if (!p.getHosts().containsKey(name)) {
        throw new IllegalArgumentException(
            "hotclone.hypervisor.credentials." + name + ": no such host in hotclone.hypervisor.hosts " + p.getHosts().keySet());
      }
    }
    Map<HostName, HostAuth> auth = new LinkedHashMap<>();
    for (String name : p.getHosts().keySet()) {
      HypervisorProperties.Credentials c = p.getCredentials().get(name);
      Path pki = c != null && c.getPkiPath() != null ? c.getPkiPath() : p.getPkiPath();
      HostAuth a;
      try {
        a = c == null ? HostAuth.NONE : new HostAuth(blankToNull(c.getUsername()), c.getPasswordFile(), blankToNull(c.getPasswordEnv()), null);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("hotclone.hypervisor.credentials." + name + ": " + e.getMessage(), e);
      }
      a = a.withPkiPath(pki);
      if (!a.equals(HostAuth.NONE)) {
        auth.put(new HostName(name), a);
      }
    }
    return auth;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
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
