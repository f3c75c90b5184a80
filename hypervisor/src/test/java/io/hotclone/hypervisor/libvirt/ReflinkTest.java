package io.hotclone.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Reflink} where it cannot share blocks: a clone into another filesystem ({@code /dev/shm}
 * is always a tmpfs of its own, so the kernel answers {@code EXDEV} whatever the temporary
 * directory's filesystem is) says false and leaves no file behind, so the caller's byte copy can
 * create it. The successful clone is {@link SharedImageReflinkIT}'s (a real XFS).
 */
class ReflinkTest {
  @TempDir Path dir;
  private final Path elsewhere = Path.of("/dev/shm", "hotclone-reflink-test-" + ProcessHandle.current().pid() + ".img");

  @AfterEach
  void clean() throws IOException {
    Files.deleteIfExists(elsewhere);
  }

  @Test
  void givenATargetOnAnotherFilesystem_whenCloned_thenFalseAndNoFileLeft() throws Exception {
    Path from = Files.write(dir.resolve("frozen.img"), new byte[] {1, 2, 3, 4});

    boolean cloned = Reflink.tryClone(from, elsewhere);

    assertThat(cloned).isFalse();
    assertThat(elsewhere).doesNotExist();
  }

  @Test
  void givenAnExistingTarget_whenCloned_thenIOExceptionAndTheTargetUntouched() throws Exception {
    Path from = Files.write(dir.resolve("frozen.img"), new byte[] {1, 2, 3, 4});
    Path to = Files.write(dir.resolve("copy.img"), new byte[] {9});

    assertThatThrownBy(() -> Reflink.tryClone(from, to)).isInstanceOf(IOException.class).hasMessageContaining("errno 17");
    assertThat(Files.readAllBytes(to)).containsExactly(9);
  }
}
