package io.hotclone.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code hotclone clone SOURCE --to HOST [--count N] [--wait]}: requests a clone (one freeze of the
 * source for all N); prints the operation id, or with {@code --wait} follows it to its end.
 */
@Command(name = "clone", description = "Clone a running VM to a host.")
final class CloneCommand implements Callable<Integer> {

  @ParentCommand HotcloneCli root;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "source VM id or name")
  String source;

  @Option(names = "--to", required = true, paramLabel = "HOST", description = "target host")
  String target;

  @Option(names = "--count", defaultValue = "1", description = "clones to make from one freeze (1-64)")
  int count;

  @Option(names = "--wait", description = "follow the operation until COMPLETED or FAILED")
  boolean await;

  @Option(names = "--timeout", defaultValue = "PT5M", description = "how long --wait waits (ISO-8601, default PT5M)")
  Duration timeout;

  @Option(names = "--idempotency-key", description = "repeat-safe request key")
  String idempotencyKey;

  @Override
  public Integer call() {
    ObjectNode body = ApiClient.JSON.createObjectNode();
    body.put("sourceVm", source);
    body.put("targetHost", target);
    body.put("count", count);
    JsonNode op = idempotencyKey == null
        ? root.api().post("/api/v1/clones", body)
        : root.api().post("/api/v1/clones", body, idempotencyKey);
    String id = op.path("id").asString();
    if (!await) {
      root.output().rows(op, "id", "phase");
      return ExitCodes.OK;
    }
    root.output().line(id + "\t" + op.path("phase").asString() + Follow.bar(op.path("phase").asString()));
    return new Follow(root.api(), root.output(), timeout).until(id, op.path("phase").asString());
  }
}
