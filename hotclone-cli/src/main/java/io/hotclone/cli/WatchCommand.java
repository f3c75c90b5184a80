package io.hotclone.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hotclone watch ID}: follows a clone operation to its end; exit 0 COMPLETED, 1 FAILED. */
@Command(name = "watch", description = "Follow a clone operation until COMPLETED or FAILED.")
final class WatchCommand implements Callable<Integer> {

  @ParentCommand HotcloneCli root;

  @Parameters(index = "0", paramLabel = "ID", description = "clone operation id")
  String id;

  @Option(names = "--timeout", defaultValue = "PT5M", description = "how long to wait (ISO-8601, default PT5M)")
  Duration timeout;

  @Override
  public Integer call() {
    return new Follow(root.api(), root.output(), timeout).until(id, null);
  }
}
