package io.hotclone.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hotclone delete VM}: stops the VM and frees its storage (scale-in); repeating it is fine. */
@Command(name = "delete", description = "Delete a VM (stop it, free its storage and identity).")
final class DeleteCommand implements Callable<Integer> {

  @ParentCommand HotcloneCli root;

  @Parameters(index = "0", paramLabel = "VM", description = "VM id or name")
  String vm;

  @Override
  public Integer call() {
    root.api().delete("/api/v1/vms/" + ApiClient.segment(vm));
    if (root.output().json()) {
      root.output().json(ApiClient.JSON.createObjectNode().put("deleted", vm));
    } else {
      root.output().line("deleted\t" + vm);
    }
    return ExitCodes.OK;
  }
}
