package io.hotclone.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code hotclone lineage VM}: the VM's ancestors up to the root and its descendants. */
@Command(name = "lineage", description = "Show a VM's ancestors and descendants.")
final class LineageCommand implements Callable<Integer> {

  @ParentCommand HotcloneCli root;

  @Parameters(index = "0", paramLabel = "VM", description = "VM id or name")
  String vm;

  @Override
  public Integer call() {
    ApiClient api = root.api();
    String id = api.get("/api/v1/vms/" + ApiClient.segment(vm)).path("id").asString();
    JsonNode lineage = api.get("/api/v1/vms/" + ApiClient.segment(id) + "/lineage");
    Output out = root.output();
    if (out.json()) {
      out.json(lineage);
      return ExitCodes.OK;
    }
    for (JsonNode a : lineage.path("ancestors")) {
      out.line("ancestor\t" + entry(a));
    }
    out.line("vm\t" + entry(lineage.path("vm")));
    for (JsonNode d : lineage.path("descendants")) {
      out.line("descendant\t" + entry(d));
    }
    return ExitCodes.OK;
  }

  private static String entry(JsonNode e) {
    return e.path("id").asString() + "\t" + e.path("name").asString() + "\t" + e.path("host").asString()
        + "\tgeneration " + e.path("generation").asInt();
  }
}
