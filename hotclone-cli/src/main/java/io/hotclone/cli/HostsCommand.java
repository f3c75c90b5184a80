package io.hotclone.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code hotclone hosts}: the hosts the caller's tenant may use. */
@Command(name = "hosts", description = "List hosts (name, driver, reachable, running VMs).")
final class HostsCommand implements Callable<Integer> {

  @ParentCommand HotcloneCli root;

  @Override
  public Integer call() {
    root.output().rows(root.api().getAll("/api/v1/hosts"), "name", "driver", "reachable", "runningVms");
    return ExitCodes.OK;
  }
}
