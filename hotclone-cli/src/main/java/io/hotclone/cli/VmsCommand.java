package io.hotclone.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hotclone vms [--host H]}: the VMs the caller's tenant may see. */
@Command(name = "vms", description = "List VMs (id, name, host, state, ip, parent, generation).")
final class VmsCommand implements Callable<Integer> {

  @ParentCommand HotcloneCli root;

  @Option(names = "--host", description = "only VMs on this host")
  String host;

  @Override
  public Integer call() {
    String path = "/api/v1/vms" + (host == null ? "" : "?host=" + ApiClient.segment(host));
    root.output().rows(root.api().get(path), "id", "name", "host", "state", "ip", "parentVm", "generation");
    return ExitCodes.OK;
  }
}
