package io.hotclone.devstack;

import io.hotclone.events.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka in KRaft mode (one process that is both broker and controller) inside
 * this JVM. Its log directory is kept: formatted on the first start (a generated cluster id, written
 * to {@code meta.properties}) and reused on later starts, so topics, records and committed offsets
 * survive a devstack restart. Topics are created on first use with {@value #PARTITIONS} partitions;
 * the saga and lifecycle topics are created up front.
 */
public final class LocalKafka implements AutoCloseable {

  public static final int PARTITIONS = 4;

  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
  private static final int NODE_ID = 1;
  private static final String HOST = "localhost";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private LocalKafka(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts the broker.
   *
   * @param port the client port; 0 picks a free one ({@link #bootstrapServers()} says which)
   * @param logDir the broker's log directory, created and formatted unless it is formatted already
   */
  public static LocalKafka start(int port, Path logDir) {
    int[] ports = ports(port);
    int clientPort = ports[0];
    // the quorum is static (controller.quorum.voters), so the controller port may change between starts
    int controllerPort = ports[1];
    String dir = logDir.toAbsolutePath().toString();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dir);
    props.put("num.partitions", String.valueOf(PARTITIONS));
    props.put("default.replication.factor", "1");
    props.put("auto.create.topics.enable", "true");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", String.valueOf(PARTITIONS));
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    KafkaConfig config = new KafkaConfig(props, false);

    formatUnlessFormatted(logDir, dir);
    long t0 = System.nanoTime();
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    String bootstrap = HOST + ":" + clientPort;
    try {
      server.startup();
      createTopics(bootstrap, new NewTopic(Topics.CLONE_EVENTS, PARTITIONS, (short) 1),
          new NewTopic(Topics.LIFECYCLE, PARTITIONS, (short) 1),
          new NewTopic(Topics.IP_POOLS, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
    } catch (RuntimeException e) {
      stop(server);
      throw e;
    }
    log.info("Kafka (KRaft, broker+controller) at {}, log directory {}, up in {} ms", bootstrap, dir,
        (System.nanoTime() - t0) / 1_000_000);
    return new LocalKafka(server, bootstrap);
  }

  /** Formats {@code logDir} with a new cluster id unless it holds a {@code meta.properties} already. */
  private static void formatUnlessFormatted(Path logDir, String dir) {
    if (Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
      return;
    }
    try {
      Files.createDirectories(logDir);
      String clusterId = Uuid.randomUuid().toString();
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(dir)
          .addDirectory(dir)
          .run();
      log.info("Formatted Kafka log directory {} (cluster id {})", dir, clusterId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot format " + dir, e);
    }
  }

  /** Creates the topics that are missing, waiting until the broker can host them. */
  private static void createTopics(String bootstrap, NewTopic... topics) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      while (true) {
        try {
          Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
          List<NewTopic> missing = new ArrayList<>();
          for (NewTopic t : topics) {
            if (!existing.contains(t.name())) {
              missing.add(t);
            }
          }
          if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get(10, TimeUnit.SECONDS);
          }
          return;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          boolean retry = cause instanceof RetriableException || cause instanceof InvalidReplicationFactorException;
          if (cause instanceof TopicExistsException) {
            continue; // created concurrently (auto-creation): list again
          }
          if (!retry || System.nanoTime() > deadline) {
            throw new IllegalStateException("cannot create Kafka topics", cause);
          }
        } catch (java.util.concurrent.TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Kafka at " + bootstrap + " not ready in " + READY_TIMEOUT, e);
          }
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating Kafka topics", e);
    }
  }

  /**
   * The client port ({@code port}, or a free one when 0) and a free controller port that is never
   * the client port. Free ports are picked while the sockets of the earlier picks are still open,
   * so the system cannot offer the same one twice; a given client port may be free (its caller
   * probed and released it) and so be offered again: it is skipped.
   */
  static int[] ports(int port) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      return ports(port, () -> {
        try {
          ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          held.add(s);
          return s.getLocalPort();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // a probe socket: closing it only frees the port
        }
      }
    }
  }

  /** {@link #ports(int)} over a source of free ports (which may offer the given client port). */
  static int[] ports(int port, IntSupplier freePorts) {
    int client = port == 0 ? freePorts.getAsInt() : port;
    int controller = freePorts.getAsInt();
    while (controller == client) {
      controller = freePorts.getAsInt();
    }
    return new int[] {client, controller};
  }

  private static void stop(KafkaRaftServer server) {
    server.shutdown();
    server.awaitShutdown();
  }

  /** {@code localhost:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Stops the broker cleanly (logs flushed, the log directory unlocked). */
  @Override
  public void close() {
    stop(server);
  }
}
