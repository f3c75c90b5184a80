package io.hotclone.devstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Drives {@code scripts/cluster.sh} from integration tests: every component (Kafka, PostgreSQL, the
 * five services on the libvirt driver) as its own OS process, on ports and in a data directory of
 * its own ({@code devstack/target/cluster-it} unless told otherwise), so it does not meet a
 * developer's {@code .cluster/} or devstack. The variables of {@code .work/libvirt.env} are passed to
 * the script; {@link #up} runs {@code scripts/libvirt/setup.sh} (idempotent) as the script does.
 *
 * <p>The script's own output goes to {@code <dir>/cluster-script.out}; each component logs to
 * {@link #log(String)}. Not a test: a helper, use it in try-with-resources ({@link #close()} is
 * {@code down}).
 */
public final class ClusterScript implements AutoCloseable {

  /** Components of {@code scripts/cluster.sh}. */
  public static final List<String> COMPONENTS = List.of(
      "kafka", "postgres", "clone-api", "storage-service", "memory-service", "transfer-service", "config-service");

  private static final Duration UP_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(4);
  private static final String START_MARKER = "=== cluster.sh: starting ";

  private final Path root;
  private final Path dir;
  private final int apiPort;
  private final Map<String, String> env = new LinkedHashMap<>();

  /**
   * A cluster in {@code devstack/target/cluster-it} on ports 27100-27104 (services; further
   * instances +100), 27392 (Kafka), 27432 (PostgreSQL): below the kernel's ephemeral port range
   * (32768-60999), where an outgoing connection of any process could hold the port.
   */
  public ClusterScript() {
    this(null, 27100, 27392, 27432);
  }

  /**
   * @param dir the cluster directory ({@code null}: {@code devstack/target/cluster-it})
   * @param servicePortBase clone-api's port; storage, memory, transfer and config services get the next four
   */
  public ClusterScript(Path dir, int servicePortBase, int kafkaPort, int postgresPort) {
    this.root = repositoryRoot();
    this.dir = (dir != null ? dir : root.resolve("devstack/target/cluster-it")).toAbsolutePath();
    this.apiPort = servicePortBase;
    env.putAll(libvirtEnv(root));
    env.put("HOTCLONE_CLUSTER_DIR", this.dir.toString());
    env.put("HOTCLONE_CLUSTER_API_PORT", String.valueOf(servicePortBase));
    env.put("HOTCLONE_CLUSTER_STORAGE_PORT", String.valueOf(servicePortBase + 1));
    env.put("HOTCLONE_CLUSTER_MEMORY_PORT", String.valueOf(servicePortBase + 2));
    env.put("HOTCLONE_CLUSTER_TRANSFER_PORT", String.valueOf(servicePortBase + 3));
    env.put("HOTCLONE_CLUSTER_CONFIG_PORT", String.valueOf(servicePortBase + 4));
    env.put("HOTCLONE_CLUSTER_KAFKA_PORT", String.valueOf(kafkaPort));
    env.put("HOTCLONE_CLUSTER_PG_PORT", String.valueOf(postgresPort));
  }

  /**
   * Sets an environment variable of the script, e.g. {@code HOTCLONE_CLUSTER_DEMO=0} (no demo-1),
   * {@code HOTCLONE_CLUSTER_LIBVIRT_SETUP=0}, {@code HOTCLONE_CLUSTER_JAVA_OPTS}.
   */
  public ClusterScript env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** {@code cluster.sh up}: starts what does not run yet and waits until everything answers. */
  public void up(String... serviceArgs) {
    run(UP_TIMEOUT, "up", serviceArgs);
  }

  /** {@code cluster.sh down}: stops every component (data kept). */
  public void down() {
    run(COMMAND_TIMEOUT, "down");
  }

  /** {@code cluster.sh down --delete-demo}: deletes demo-1 through clone-api first. */
  public void downDeletingDemo() {
    run(COMMAND_TIMEOUT, "down", "--delete-demo");
  }

  /** {@code cluster.sh kill COMPONENT}: SIGKILL (PostgreSQL: its server processes too). */
  public void kill(String component) {
    run(COMMAND_TIMEOUT, "kill", component);
  }

  /** {@code cluster.sh stop COMPONENT}: SIGTERM, SIGKILL after a timeout. */
  public void stop(String component) {
    run(COMMAND_TIMEOUT, "stop", component);
  }

  /**
   * {@code cluster.sh start COMPONENT extraArgs...}: starts it again (the extra arguments appended
   * to its command line, e.g. test-only properties) and waits until it answers (a service: health
   * UP — its consumers may get their partitions later, see {@link #awaitLogLine}).
   */
  public void start(String component, String... extraArgs) {
    run(COMMAND_TIMEOUT, "start", prepend(component, extraArgs));
  }

  /** The PID of a running component, empty when it does not run. */
  public OptionalLong pid(String component) {
    Path f = dir.resolve("pids").resolve(component + ".pid");
    try {
      if (!Files.exists(f)) {
        return OptionalLong.empty();
      }
      long pid = Long.parseLong(Files.readString(f).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() ? OptionalLong.of(pid) : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The Kafka broker's port. */
  public int kafkaPort() {
    return Integer.parseInt(env.get("HOTCLONE_CLUSTER_KAFKA_PORT"));
  }

  /** PostgreSQL's port (database {@code postgres}, user and password {@code postgres}). */
  public int postgresPort() {
    return Integer.parseInt(env.get("HOTCLONE_CLUSTER_PG_PORT"));
  }

  /** clone-api's port. */
  public int apiPort() {
    return apiPort;
  }

  /**
   * The development API key of {@code tenant} ({@code admin}: the admin key) that clone-api wrote to
   * {@code <dir>/credentials/credentials.env} when the cluster came up.
   */
  public String apiKey(String tenant) {
    Path file = dir.resolve("credentials").resolve("credentials.env");
    String var = "HOTCLONE_KEY_" + tenant.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith(var + "=")) {
          return line.substring(var.length() + 1).trim();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(var + " not in " + file);
  }

  /** {@code http://localhost:<clone-api port>}. */
  public String apiBaseUrl() {
    return "http://localhost:" + apiPort;
  }

  /** The cluster directory (data, logs, PID files). */
  public Path dir() {
    return dir;
  }

  /** The component's log (every start of it appends, after a {@code === cluster.sh: starting} line). */
  public Path log(String component) {
    return dir.resolve("logs").resolve(component + ".log");
  }

  /**
   * Waits until a line of the component's log written since its latest start matches {@code regex}
   * ({@link java.util.regex.Matcher#find()}) and returns that line.
   *
   * @throws IllegalStateException when none does within {@code timeout}
   */
  public String awaitLogLine(String component, String regex, Duration timeout) {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = linesSinceLastStart(log(component));
      for (String line : lines) {
        if (pattern.matcher(line).find()) {
          return line;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no line matching /" + regex + "/ in " + log(component) + " within " + timeout);
      }
      sleep(200);
    }
  }

  /** {@code down}, failures ignored (a test's cleanup). */
  @Override
  public void close() {
    try {
      down();
    } catch (RuntimeException e) {
      System.err.println("cluster.sh down failed: " + e.getMessage());
    }
  }

  private void run(Duration timeout, String command, String... args) {
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("scripts/cluster.sh").toString(), command));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("cluster-script.out");
    try {
      Files.createDirectories(dir);
      Files.writeString(out, "\n$ cluster.sh " + String.join(" ", cmd.subList(2, cmd.size())) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .directory(root.toFile())
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(out.toFile()))
          .redirectInput(Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IllegalStateException("cluster.sh " + command + " did not finish in " + timeout + "; output: " + tail(out));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("cluster.sh " + command + " exited " + p.exitValue() + ": " + tail(out));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during cluster.sh " + command, e);
    }
  }

  private static List<String> linesSinceLastStart(Path log) {
    if (!Files.exists(log)) {
      return List.of();
    }
    try {
      // new String(...) replaces malformed input instead of failing on it
      List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith(START_MARKER)) {
          return lines.subList(i + 1, lines.size());
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path out) {
    try {
      List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** The variables of {@code .work/libvirt.env} (written by {@code scripts/libvirt/setup.sh}), if it exists. */
  private static Map<String, String> libvirtEnv(Path root) {
    Map<String, String> vars = new LinkedHashMap<>();
    Path f = root.resolve(".work/libvirt.env");
    if (Files.exists(f)) {
      try {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          int eq = line.indexOf('=');
          if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
            vars.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return vars;
  }

  /** The repository root: the nearest directory upwards that holds {@code scripts/cluster.sh}. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/cluster.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException("scripts/cluster.sh not found above " + Path.of("").toAbsolutePath());
  }

  private static String[] prepend(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
