package io.hotclone.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hotclone}: the operator's command line over clone-api. Global options name the API and the
 * credentials (or {@code HOTCLONE_URL}, {@code HOTCLONE_API_KEY}, {@code HOTCLONE_TOKEN}) and the
 * output format; every subcommand returns an {@link ExitCodes exit code}.
 */
@Command(
    name = "hotclone",
    mixinStandardHelpOptions = true,
    version = "hotclone 0.1.0",
    description = "Hot-clone running VMs through the HotClone API.",
    subcommands = {
      VmsCommand.class, HostsCommand.class, CloneCommand.class, WatchCommand.class,
      LineageCommand.class, DeleteCommand.class, PoolsCommand.class, ClaimCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done (a waited-for clone COMPLETED)", "1:the clone ended FAILED", "2:usage error",
      "3:request refused (400, 409, 413, 422, 429)", "4:not found (404)",
      "5:unauthenticated or not allowed (401, 403)", "6:API unreachable, 5xx, or a wait timed out"
    })
public final class HotcloneCli {

  @Option(names = "--url", description = "clone-api base URL (default: $HOTCLONE_URL or http://localhost:8080)")
  String url = env("HOTCLONE_URL", "http://localhost:8080");

  @Option(names = "--api-key", description = "API key (default: $HOTCLONE_API_KEY)")
  String apiKey = env("HOTCLONE_API_KEY", null);

  @Option(names = "--token", description = "bearer token, used when no API key is given (default: $HOTCLONE_TOKEN)")
  String token = env("HOTCLONE_TOKEN", null);

  @Option(names = {"-o", "--output"}, description = "text (default) or json")
  Output.Format output = Output.Format.text;

  PrintWriter out;

  ApiClient api() {
    return new ApiClient(url, apiKey, token);
  }

  Output output() {
    return new Output(output, out);
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line, writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    HotcloneCli root = new HotcloneCli();
    root.out = out;
    CommandLine cli = new CommandLine(root);
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof ApiException api) {
        err.println("hotclone: " + api.getMessage());
        err.flush();
        return api.exitCode();
      }
      throw e;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
