package io.hotclone.devstack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One piece of infrastructure as its own process, for {@code scripts/cluster.sh}: {@code kafka}
 * (a KRaft broker+controller, {@link LocalKafka}) or {@code postgres} (a PostgreSQL server,
 * {@link LocalPostgres}), on a fixed port with its data kept in a directory. Runs until SIGTERM
 * (or SIGINT), then stops the server cleanly.
 *
 * <pre>
 * java -cp devstack/target/devstack-0.1.0-SNAPSHOT.jar -Dloader.main=io.hotclone.devstack.InfraMain \
 *   org.springframework.boot.loader.launch.PropertiesLauncher kafka --port=29092 --data-dir=.cluster/kafka
 * </pre>
 *
 * <p>PostgreSQL runs as a child process of this JVM (the zonky binaries): a clean stop stops it
 * too; after a SIGKILL of this JVM the server outlives it, so whoever kills it must kill its process
 * group (as {@code scripts/cluster.sh} does).
 */
public final class InfraMain {

  private static final Logger log = LoggerFactory.getLogger(InfraMain.class);

  private InfraMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0 || !(args[0].equals("kafka") || args[0].equals("postgres"))) {
      usage("first argument must be kafka or postgres");
    }
    String what = args[0];
    Integer port = null;
    Path dataDir = null;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--port=")) {
        port = Integer.parseInt(a.substring("--port=".length()));
      } else if (a.startsWith("--data-dir=")) {
        dataDir = Path.of(a.substring("--data-dir=".length()));
      } else {
        usage("unknown argument " + a);
      }
    }
    if (port == null || dataDir == null) {
      usage("--port and --data-dir are required");
    }
    long t0 = System.nanoTime();
    AutoCloseable server;
    if (what.equals("kafka")) {
      LocalKafka kafka = LocalKafka.start(port, dataDir);
      server = kafka;
      log.info("READY kafka {} (data {}) in {} ms", kafka.bootstrapServers(), dataDir.toAbsolutePath(),
          (System.nanoTime() - t0) / 1_000_000);
    } else {
      LocalPostgres postgres = LocalPostgres.start(port, dataDir, true);
      server = postgres;
      log.info("READY postgres {} (data {}) in {} ms", postgres.jdbcUrl(), dataDir.toAbsolutePath(),
          (System.nanoTime() - t0) / 1_000_000);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping {}", what);
      try {
        server.close();
        log.info("{} stopped", what);
      } catch (Exception e) {
        log.warn("while stopping {}: {}", what, e.toString());
      } finally {
        stopped.countDown();
      }
    }, "infra-stop"));
    stopped.await();
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: InfraMain kafka|postgres --port=N --data-dir=DIR");
    System.exit(2);
  }
}
