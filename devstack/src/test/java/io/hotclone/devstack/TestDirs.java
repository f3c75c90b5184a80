package io.hotclone.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Data directories of the stacks the tests start (PostgreSQL, Kafka logs, the embedded driver's
 * storage: gigabytes after a long class): made under the system's temporary directory and deleted
 * once the stack that used them is closed, so a test run leaves nothing behind.
 */
final class TestDirs {
  private TestDirs() {}

  static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code dir} and everything below it; what cannot be deleted is left (best effort). */
  static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // a file still held open: left for the system's temporary-file cleanup
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // the tree changed while walking it: best effort
    }
  }
}
