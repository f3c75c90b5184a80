package io.hotclone.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hotclone vms [--host H] [--label k=v]...}: the VMs the caller's tenant may see, every page
 * of the list, optionally only those carrying every label given.
 */
@Command(name = "vms", description = "List VMs (id, name, host, state, ip, parent, generation, labels).")
final class VmsCommand implements Callable<Integer> {

  @ParentCommand HotcloneCli root;

  @Option(names = "--host", description = "only VMs on this host")
  String host;

  @Option(names = "--label", description = "only VMs carrying this label (key=value); repeatable, all must match")
  java.util.List<String> labels = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    java.util.List<String> query = new java.util.ArrayList<>();
    if (host != null) {
      query.add("host=" + ApiClient.segment(host));
    }
    labels.forEach(l -> query.add("label=" + ApiClient.segment(l)));
    String path = "/api/v1/vms" + (query.isEmpty() ? "" : "?" + String.join("&", query));
    root.output().rows(root.api().getAll(path), "id", "name", "host", "state", "ip", "parentVm", "generation", "labels");
    return ExitCodes.OK;
  }
}
