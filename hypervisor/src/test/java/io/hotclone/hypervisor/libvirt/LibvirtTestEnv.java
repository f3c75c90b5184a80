package io.hotclone.hypervisor.libvirt;

import io.hotclone.hypervisor.HostName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The two hosts made by {@code scripts/libvirt/setup.sh}: read from environment variables, system
 * properties, or the {@code .work/libvirt.env} file it writes at the repository root.
 */
record LibvirtTestEnv(String sourceUri, String targetUri, Path guestDir, Path sharedDir, Path hostADir, Path hostBDir) {
  static final HostName HOST_A = new HostName("host-a");
  static final HostName HOST_B = new HostName("host-b");

  static LibvirtTestEnv load() {
    Map<String, String> vars = vars();
    String[] needed = {
      "HOTCLONE_LIBVIRT_SOURCE_URI", "HOTCLONE_LIBVIRT_TARGET_URI", "HOTCLONE_GUEST_DIR",
      "HOTCLONE_LIBVIRT_SHARED_DIR", "HOTCLONE_LIBVIRT_HOST_A_DIR", "HOTCLONE_LIBVIRT_HOST_B_DIR"
    };
    for (String n : needed) {
      if (vars.get(n) == null || vars.get(n).isBlank()) {
        throw new IllegalStateException(n + " is not set: run scripts/libvirt/setup.sh first (it writes .work/libvirt.env)");
      }
    }
    return new LibvirtTestEnv(
        vars.get(needed[0]), vars.get(needed[1]), Path.of(vars.get(needed[2])), Path.of(vars.get(needed[3])),
        Path.of(vars.get(needed[4])), Path.of(vars.get(needed[5])));
  }

  /** Every {@code HOTCLONE_*} variable: the env file, overridden by the environment, then by system properties. */
  static Map<String, String> vars() {
    Map<String, String> vars = new HashMap<>(fileVars());
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("HOTCLONE_")) {
        vars.put(k, v);
      }
    });
    System.getProperties().forEach((k, v) -> {
      if (k.toString().startsWith("HOTCLONE_")) {
        vars.put(k.toString(), v.toString());
      }
    });
    return vars;
  }

  /** A variable {@code scripts/libvirt/setup.sh} writes; fails naming it when it is not set. */
  static String require(String name) {
    String v = vars().get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set: run scripts/libvirt/setup.sh first (it writes .work/libvirt.env)");
    }
    return v;
  }

  Map<HostName, String> uris() {
    return Map.of(HOST_A, sourceUri, HOST_B, targetUri);
  }

  LibvirtOptions options() {
    return LibvirtOptions.of(sharedDir, Map.of(HOST_A, hostADir, HOST_B, hostBDir)).withGuestDir(guestDir);
  }

  private static Map<String, String> fileVars() {
    Map<String, String> vars = new HashMap<>();
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path env = dir.resolve(".work").resolve("libvirt.env");
      if (Files.isReadable(env)) {
        try {
          for (String line : Files.readAllLines(env)) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
              vars.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
          }
        } catch (IOException e) {
          throw new IllegalStateException("cannot read " + env, e);
        }
        break;
      }
    }
    return vars;
  }

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
  static void await(String what, java.time.Duration timeout, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
