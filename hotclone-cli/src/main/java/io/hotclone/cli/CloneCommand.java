package io.hotclone.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code hotclone clone SOURCE [--to HOST | --placement spread|pack] [--count N] [--partial]
 * [--wait]}: requests a clone (one freeze of the source for all N); without {@code --to} the API
 * places each clone on a host (spread by default). Prints the operation id and the host of each
 * clone, or with {@code --wait} follows it to its end and prints each clone with its host (and, with
 * {@code --partial}, the clones that failed on their own).
 */
@Command(name = "clone", description = "Clone a running VM, to a host or placed by the API.")
final class CloneCommand implements Callable<Integer> {

  @ParentCommand HotcloneCli root;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "source VM id or name")
  String source;

  @Option(names = "--to", paramLabel = "HOST", description = "target host (default: placed by the API)")
  String target;

  /** The placement policies (without {@code --to}). */
  enum Placement { spread, pack }

  @Option(names = "--placement", paramLabel = "POLICY",
      description = "without --to: spread (default, most memory room first) or pack (fill the fullest host that fits)")
  Placement placement;

  @Option(names = "--partial", description = "each clone succeeds or fails on its own (failed ones removed and listed)")
  boolean partial;

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
    if (target != null) {
      body.put("targetHost", target);
    }
    if (placement != null) {
      body.put("placement", placement.name());
    }
    if (partial) {
      body.put("partial", true);
    }
    body.put("count", count);
    JsonNode op = idempotencyKey == null
        ? root.api().post("/api/v1/clones", body)
        : root.api().post("/api/v1/clones", body, idempotencyKey);
    String id = op.path("id").asString();
    if (!await) {
      root.output().rows(op, "id", "phase");
      List<String> hosts = new ArrayList<>();
      op.path("targetHosts").forEach(h -> hosts.add(h.asString()));
      root.output().line("  hosts\t" + String.join(",", hosts));
      return ExitCodes.OK;
    }
    root.output().line(id + "\t" + op.path("phase").asString() + Follow.bar(op.path("phase").asString()));
    return new Follow(root.api(), root.output(), timeout).until(id, op.path("phase").asString());
  }
}
