package io.hotclone.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Secrets never reach the log: a devstack whose services get a Kafka SASL password (from the
 * configuration, as production passes it through the environment), whose clone-api makes API keys
 * and tokens, and which is called with valid and invalid keys and tokens while it clones, logs none
 * of them, nor the development issuer's private key, nor the bootstrap admin key read from a file
 * (which works: it lists every VM and makes a tenant's first key). Every log event of the JVM is
 * captured, with its arguments and stack traces.
 */
class SecretsIT {

  /** The data directory of the stack (or broker) the test started, deleted after it. */
  private Path data;

  @AfterEach
  void deleteData() {
    TestDirs.delete(data);
  }

  private static final String LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";
  private static final String KAFKA_PASSWORD = "kafka-pw-5f0c1e9d";
  private static final String WRONG_KEY = "hc_0123456789abcdef_wrong-secret-e41d";
  /** The operator's first credential, from a file (hotclone.security.bootstrap-admin-key-file). */
  private static final String BOOTSTRAP_SECRET = "b00tstrap-Adm1n-5ecret_a8d0c7e2f9b14e6d83";
  private static final String BOOTSTRAP_KEY = "hc_b0075d0e_" + BOOTSTRAP_SECRET;

  @Test
  void noSecretIsLogged() throws Exception {
    // Spring Boot would reset logback (and drop the capturing appender) when each service starts;
    // logback keeps devstack's logback.xml without it
    System.setProperty(LOGGING_SYSTEM, "none");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    // louder than usual: Kafka's client configuration, our own debug lines, Spring Security's decisions
    Map<String, ch.qos.logback.classic.Level> levels = Map.of(
        "org.apache.kafka.common.config.AbstractConfig", ch.qos.logback.classic.Level.INFO,
        "io.hotclone", ch.qos.logback.classic.Level.DEBUG,
        "org.springframework.security", ch.qos.logback.classic.Level.DEBUG);
    Map<String, ch.qos.logback.classic.Level> before = new java.util.HashMap<>();
    levels.forEach((name, level) -> {
      Logger l = (Logger) LoggerFactory.getLogger(name);
      before.put(name, l.getLevel());
      l.setLevel(level);
    });
    List<String> secrets = new ArrayList<>(List.of(KAFKA_PASSWORD, WRONG_KEY.substring(20), BOOTSTRAP_SECRET));
    data = TestDirs.create("hotclone-secrets");
    Path bootstrapKeyFile = Files.writeString(data.resolve("admin-key"), BOOTSTRAP_KEY + "\n");
    try (DevStack stack = DevStack.start(DevStackSettings.forTests(data, Map.of(
        // SASL credentials with the broker's PLAINTEXT listener: Kafka is given them, and ignores them
        "hotclone.kafka.sasl-username", "hotclone",
        "hotclone.kafka.sasl-password", KAFKA_PASSWORD,
        "hotclone.security.bootstrap-admin-key-file", bootstrapKeyFile.toString())))) {
      TestStack.register(stack);
      for (String value : stack.credentials().values()) {
        // hc_<hex id>_<base64url secret>: the secret may itself contain '_' (cutting at the last one
        // once left a 1-character "secret" that matched an unrelated log line)
        secrets.add(value.startsWith("hc_") ? value.substring(value.indexOf('_', 3) + 1) : value);
      }
      String privateKey = Files.readString(stack.credentialsFile().resolveSibling("jwt-private.pem"))
          .lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
      secrets.add(privateKey);
      int port = stack.apiPort();
      String demo = DevStack.ensureDemoVm(stack.hypervisor()).id().value();
      JsonNode op = TestStack.cloneAndWait(port,
          "{\"sourceVm\":\"" + demo + "\",\"targetHost\":\"host-b\",\"count\":1}", Duration.ofSeconds(60));
      assertThat(op.path("phase").asString()).isEqualTo("COMPLETED");
      String token = stack.credentials().get("HOTCLONE_TOKEN_TENANT_B");
      assertThat(TestStack.send(port, "GET", "/api/v1/vms", null, Map.of("Authorization", "Bearer " + token)).status())
          .isEqualTo(200);
      assertThat(TestStack.send(port, "GET", "/api/v1/vms", null, Map.of("X-API-Key", WRONG_KEY)).status())
          .isEqualTo(401);
      // the bootstrap admin key works: it sees every tenant's VMs and makes a tenant's first key
      assertThat(TestStack.send(port, "GET", "/api/v1/vms", null, Map.of("X-API-Key", BOOTSTRAP_KEY)).status())
          .isEqualTo(200);
      TestStack.Response made = TestStack.send(port, "POST", "/api/v1/api-keys",
          "{\"tenant\":\"tenant-c\",\"scopes\":[\"vms:read\"]}", Map.of("X-API-Key", BOOTSTRAP_KEY));
      assertThat(made.status()).as(made.text()).isEqualTo(201);
      String madeKey = made.body().path("key").asString();
      secrets.add(madeKey.substring(madeKey.indexOf('_', 3) + 1));
      assertThat(TestStack.send(port, "GET", "/api/v1/hosts", null, Map.of("X-API-Key", madeKey)).status())
          .isEqualTo(200);
      assertThat(TestStack.send(port, "GET", "/api/v1/vms", null,
          Map.of("Authorization", "Bearer " + token.substring(0, token.length() - 4) + "AAAA")).status()).isEqualTo(401);
    } finally {
      root.detachAppender(captured);
      before.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
      System.clearProperty(LOGGING_SYSTEM);
    }
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      StringBuilder b = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      lines.add(b.toString());
    }
    assertThat(lines.size()).as("log events captured").isGreaterThan(100);
    assertThat(String.join("\n", lines)).as("Kafka's configuration log shows the SASL setting, masked")
        .contains("sasl.jaas.config = [hidden]");
    for (String secret : secrets) {
      assertThat(lines).as("log lines containing a secret").noneMatch(l -> l.contains(secret));
    }
  }
}
