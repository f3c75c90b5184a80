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
 * {@code hotclone pools create|list|show|scale|delete}: warm pools of standby clones a claim
 * ({@code hotclone claim POOL}) hands out in milliseconds.
 */
@Command(name = "pools", mixinStandardHelpOptions = true, description = "Warm clone pools: create, list, show, scale, delete.",
    subcommands = {PoolsCommand.Create.class, PoolsCommand.ListPools.class, PoolsCommand.Show.class,
        PoolsCommand.Scale.class, PoolsCommand.Delete.class})
final class PoolsCommand implements Callable<Integer> {

  static final String[] COLUMNS = {"name", "sourceVm", "minReady", "maxSize", "ready", "creating", "claimed"};

  @ParentCommand HotcloneCli root;

  @Override
  public Integer call() {
    return new ListPools().list(root);
  }

  static String path(String pool) {
    return "/api/v1/pools/" + ApiClient.segment(pool);
  }

  static int show(HotcloneCli root, JsonNode pool) {
    if (root.output().json()) {
      root.output().json(pool);
    } else {
      root.output().rows(ApiClient.JSON.createArrayNode().add(pool), COLUMNS);
    }
    return ExitCodes.OK;
  }

  @Command(name = "create", description = "Create a pool of standby clones of a running VM.")
  static final class Create implements Callable<Integer> {
    @ParentCommand PoolsCommand parent;

    @Parameters(index = "0", paramLabel = "NAME", description = "pool name (a DNS label)")
    String name;

    @Option(names = "--source", required = true, paramLabel = "VM", description = "the running VM the clones copy")
    String source;

    @Option(names = "--min-ready", required = true, description = "ready clones to keep")
    int minReady;

    @Option(names = "--max-size", description = "most ready + creating clones (default: min-ready)")
    Integer maxSize;

    @Option(names = "--placement", description = "spread or pack")
    String placement;

    @Option(names = "--identity-policy", description = "require-agent, isolate or allow")
    String identityPolicy;

    @Option(names = "--max-age", description = "replace ready clones older than this (ISO-8601, e.g. PT30M)")
    String maxAge;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label of every clone (repeatable)")
    Map<String, String> labels;

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode().put("name", name).put("sourceVm", source).put("minReady", minReady);
      if (maxSize != null) {
        body.put("maxSize", maxSize);
      }
      if (placement != null) {
        body.put("placement", placement);
      }
      if (identityPolicy != null) {
        body.put("identityPolicy", identityPolicy);
      }
      if (maxAge != null) {
        body.put("maxAge", maxAge);
      }
      if (labels != null) {
        ObjectNode l = body.putObject("labels");
        labels.forEach(l::put);
      }
      return show(parent.root, parent.root.api().post("/api/v1/pools", body));
    }
  }

  @Command(name = "list", description = "List pools (name, source, minReady, maxSize, ready, creating, claimed).")
  static final class ListPools implements Callable<Integer> {
    @ParentCommand PoolsCommand parent;

    int list(HotcloneCli root) {
      root.output().rows(root.api().getAll("/api/v1/pools"), COLUMNS);
      return ExitCodes.OK;
    }

    @Override
    public Integer call() {
      return list(parent.root);
    }
  }

  @Command(name = "show", description = "Show one pool.")
  static final class Show implements Callable<Integer> {
    @ParentCommand PoolsCommand parent;

    @Parameters(index = "0", paramLabel = "POOL")
    String pool;

    @Override
    public Integer call() {
      return show(parent.root, parent.root.api().get(path(pool)));
    }
  }

  @Command(name = "scale", description = "Set a pool's ready clones (minReady), as autoscalers do.")
  static final class Scale implements Callable<Integer> {
    @ParentCommand PoolsCommand parent;

    @Parameters(index = "0", paramLabel = "POOL")
    String pool;

    @Option(names = "--replicas", required = true, description = "ready clones to keep")
    int replicas;

    @Option(names = "--max-size", description = "also change maxSize")
    Integer maxSize;

    @Override
    public Integer call() {
      HotcloneCli root = parent.root;
      if (maxSize != null) {
        ObjectNode body = ApiClient.JSON.createObjectNode().put("minReady", replicas).put("maxSize", maxSize);
        return show(root, root.api().put(path(pool), body));
      }
      root.api().put(path(pool) + "/scale", ApiClient.JSON.createObjectNode().put("replicas", replicas));
      return show(root, root.api().get(path(pool)));
    }
  }

  @Command(name = "delete", description = "Delete a pool: its ready clones are destroyed, claimed ones stay.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand PoolsCommand parent;

    @Parameters(index = "0", paramLabel = "POOL")
    String pool;

    @Override
    public Integer call() {
      parent.root.api().delete(path(pool));
      if (parent.root.output().json()) {
        parent.root.output().json(ApiClient.JSON.createObjectNode().put("deleted", pool));
      } else {
        parent.root.output().line("deleted\t" + pool);
      }
      return ExitCodes.OK;
    }
  }
}
