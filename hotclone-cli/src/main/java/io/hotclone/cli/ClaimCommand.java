package io.hotclone.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code hotclone claim POOL [--wait PT5S] [--label k=v]}: takes one ready clone of a warm pool,
 * now the caller's (running, identity applied, links up). An empty pool exits 3 ({@code
 * pool-empty}) unless {@code --wait} lets the call wait for a refill.
 */
@Command(name = "claim", mixinStandardHelpOptions = true, description = "Claim a ready clone from a warm pool (it is yours from then on).")
final class ClaimCommand implements Callable<Integer> {

  @ParentCommand HotcloneCli root;

  @Parameters(index = "0", paramLabel = "POOL")
  String pool;

  @Option(names = "--wait", paramLabel = "DURATION", description = "wait up to this for a ready clone (ISO-8601, e.g. PT5S)")
  String wait;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label the claimed VM gets (repeatable)")
  Map<String, String> labels;

  @Override
  public Integer call() {
    ObjectNode body = ApiClient.JSON.createObjectNode();
    if (labels != null) {
      ObjectNode l = body.putObject("labels");
      labels.forEach(l::put);
    }
    String query = wait == null ? "" : "?wait=" + java.net.URLEncoder.encode(wait, java.nio.charset.StandardCharsets.UTF_8);
    JsonNode vm = root.api().post(PoolsCommand.path(pool) + "/claims" + query, body);
    if (root.output().json()) {
      root.output().json(vm);
    } else {
      root.output().rows(ApiClient.JSON.createArrayNode().add(vm), "id", "name", "host", "ip", "state");
    }
    return ExitCodes.OK;
  }
}
