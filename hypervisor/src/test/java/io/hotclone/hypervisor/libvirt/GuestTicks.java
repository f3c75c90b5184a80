package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the test guests write, read back for assertions: every half second a line {@code tick N
 * rnd=…} to the serial log and the same line into sector N of each disk (scripts/libvirt/setup.sh).
 */
final class GuestTicks {
  private static final Pattern TICK = Pattern.compile("tick (\\d+) rnd=([0-9a-f]+)");

  private GuestTicks() {}

  /** The tick counters in a serial log, in order (empty while the log does not exist). */
  static List<Long> ticks(Path log) {
    List<Long> result = new ArrayList<>();
    if (!Files.isReadable(log)) {
      return result;
    }
    try {
      Matcher m = TICK.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
      while (m.find()) {
        result.add(Long.parseLong(m.group(1)));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return result;
  }

  /** The line the guest printed for tick {@code n} ({@code tick n rnd=…}) in its serial log. */
  static String tickLine(Path log, long n) throws IOException {
    Matcher m = Pattern.compile("tick " + n + " rnd=[0-9a-f]+").matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
    if (!m.find()) {
      throw new AssertionError("no tick " + n + " in " + log);
    }
    return m.group();
  }

  static void assertIncreasingByOne(List<Long> ticks) {
    for (int i = 1; i < ticks.size(); i++) {
      assertThat(ticks.get(i)).as("tick after " + ticks.get(i - 1)).isEqualTo(ticks.get(i - 1) + 1);
    }
  }

  /** Sector {@code n} of a disk chain whose top is {@code top}, read with qemu-img (sharing the lock). */
  static String sector(String top, long n) throws Exception {
    Path raw = Files.createTempFile("hc-sector", ".raw");
    try {
      Process p =
          new ProcessBuilder("qemu-img", "dd", "-U", "-f", "qcow2", "-O", "raw", "bs=512", "skip=" + n, "count=" + (n + 1), "if=" + top, "of=" + raw)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as("qemu-img dd: " + out).isZero();
      byte[] b = Files.readAllBytes(raw);
      return new String(b, 0, Math.min(b.length, 64), StandardCharsets.ISO_8859_1).trim();
    } finally {
      Files.deleteIfExists(raw);
    }
  }

  static String sha256(Path file) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
