package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.VmId;
import io.hotclone.hypervisor.libvirt.LibvirtHypervisor;
import io.hotclone.hypervisor.libvirt.LibvirtOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the two libvirt hosts of the cluster tests hold, read from the hosts themselves: domains
 * (virsh), their state with its reason, backing chains and freeze leases (a driver instance of the
 * test's own whose lease watchdog never runs, so it thaws nothing), the files in the hosts'
 * directories, guest serial logs and disk sectors (qemu-img, sharing QEMU's lock).
 */
final class ClusterHosts implements AutoCloseable {
  static final Pattern TICK = Pattern.compile("tick (\\d+) rnd=([0-9a-f]+)");

  final String uriA = env("HOTCLONE_LIBVIRT_SOURCE_URI");
  final String uriB = env("HOTCLONE_LIBVIRT_TARGET_URI");
  final Path shared = Path.of(env("HOTCLONE_LIBVIRT_SHARED_DIR"));
  final Path dirA = Path.of(env("HOTCLONE_LIBVIRT_HOST_A_DIR"));
  final Path dirB = Path.of(env("HOTCLONE_LIBVIRT_HOST_B_DIR"));
  final LibvirtHypervisor driver;

  ClusterHosts() {
    Map<HostName, String> uris = new LinkedHashMap<>();
    uris.put(new HostName("host-a"), uriA);
    uris.put(new HostName("host-b"), uriB);
    LibvirtOptions options =
        LibvirtOptions.of(shared, Map.of(new HostName("host-a"), dirA, new HostName("host-b"), dirB));
    driver = new LibvirtHypervisor(uris, options, Clock.systemUTC(), Duration.ofDays(1));
  }

  /** Names of every domain, running or defined, on both hosts. */
  Set<String> domains() {
    Set<String> names = new TreeSet<>();
    for (String uri : List.of(uriA, uriB)) {
      for (String line : virsh(uri, "list", "--all", "--name").split("\n")) {
        if (!line.isBlank()) {
          names.add(line.trim());
        }
      }
    }
    return names;
  }

  /** {@code virsh domstate --reason}, e.g. {@code running (booted)} or {@code paused (snapshot)}. */
  String domstate(String uri, String name) {
    return virsh(uri, "domstate", "--reason", name).trim();
  }

  List<String> chain(String vmId) {
    return driver.backingChain(new VmId(vmId));
  }

  Optional<String> freezeState(String vmId, UUID cloneId) {
    return driver.freezeState(new VmId(vmId), cloneId);
  }

  /** Every file in shared storage and both hosts' directories, as {@code dir/name}, sorted. */
  List<String> files() {
    List<String> result = new ArrayList<>();
    for (Path d : List.of(shared, dirA, dirB)) {
      try (Stream<Path> s = Files.list(d)) {
        s.forEach(p -> result.add(d.getFileName() + "/" + p.getFileName()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    result.sort(null);
    return result;
  }

  /** Files of a clone id (its name in the file name) that no domain's disk chain uses: orphans. */
  List<String> orphansOf(UUID cloneId) {
    Set<String> used = new HashSet<>();
    for (String uri : List.of(uriA, uriB)) {
      for (String uuid : virsh(uri, "list", "--all", "--uuid").split("\n")) {
        if (!uuid.isBlank()) {
          used.addAll(chain(uuid.trim()));
        }
      }
    }
    List<String> orphans = new ArrayList<>();
    for (Path d : List.of(shared, dirA, dirB)) {
      try (Stream<Path> s = Files.list(d)) {
        s.filter(p -> p.getFileName().toString().contains(cloneId.toString()))
            .filter(p -> !used.contains(p.toString()))
            .forEach(p -> orphans.add(p.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return orphans;
  }

  /** The ticks ({@code [counter]}) a guest printed to its serial log, in order. */
  static List<Long> ticks(Path serialLog) {
    List<Long> result = new ArrayList<>();
    if (!Files.isReadable(serialLog)) {
      return result;
    }
    try {
      Matcher m = TICK.matcher(Files.readString(serialLog, StandardCharsets.ISO_8859_1));
      while (m.find()) {
        result.add(Long.parseLong(m.group(1)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return result;
  }

  /** The serial log line {@code tick n rnd=…} of a guest, if it printed one. */
  static Optional<String> tickLine(Path serialLog, long n) {
    try {
      Matcher m = TICK.matcher(Files.readString(serialLog, StandardCharsets.ISO_8859_1));
      while (m.find()) {
        if (Long.parseLong(m.group(1)) == n) {
          return Optional.of(m.group());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sector {@code n} of a qcow2 file read through its backing chain, trimmed (the guest writes tick n there). */
  static String sector(String file, long n) {
    try {
      Path raw = Files.createTempFile("hc-sector", ".raw");
      try {
        String out = run(List.of("qemu-img", "dd", "-U", "-f", "qcow2", "-O", "raw", "bs=512",
            "skip=" + n, "count=" + (n + 1), "if=" + file, "of=" + raw));
        byte[] b = Files.readAllBytes(raw);
        assertThat(b.length).as("qemu-img dd of %s: %s", file, out).isPositive();
        return new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1).replace('\0', ' ').trim();
      } finally {
        Files.deleteIfExists(raw);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(Path file) {
    try (var in = Files.newInputStream(file)) {
      var sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String virsh(String uri, String... args) {
    List<String> cmd = new ArrayList<>(List.of("virsh", "-q", "-c", uri));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set: run scripts/libvirt/setup.sh and source .work/libvirt.env");
    }
    return v;
  }

  @Override
  public void close() {
    driver.close();
  }
}
