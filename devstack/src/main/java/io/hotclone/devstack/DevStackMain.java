package io.hotclone.devstack;

import io.hotclone.support.hypervisor.HypervisorProperties;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The README's first command: starts devstack on fixed ports (PostgreSQL 15432, Kafka 19092,
 * clone-api 8080), data (PostgreSQL's, Kafka's log, embedded storage) kept in {@code .devstack/},
 * and prints how to clone {@code demo-1}.
 * Environment {@code HOTCLONE_DATA_DIR} moves the data directory; {@code
 * --hotclone.hypervisor.driver=libvirt} (see {@code scripts/devstack-libvirt.sh}) drives libvirt hosts.
 */
public final class DevStackMain {

  private DevStackMain() {}

  /**
   * The embedded hypervisor, unless {@code hotclone.hypervisor.driver=libvirt} is given (argument
   * or environment): then the {@code hotclone.hypervisor.*} settings name the libvirt hosts, and
   * the demo VM is booted from {@code guest-dir} when one is given.
   */
  static DevStackSettings settings(Path dataDir, String[] args) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
    DevStackSettings settings = DevStackSettings.interactive(dataDir);
    if (!"libvirt".equals(env.getProperty("hotclone.hypervisor.driver"))) {
      return settings;
    }
    HypervisorProperties hv =
        Binder.get(env).bind("hotclone.hypervisor", HypervisorProperties.class).orElseGet(HypervisorProperties::new);
    return settings.withDriver(hv, hv.getGuestDir() != null);
  }

  public static void main(String[] args) throws InterruptedException {
    String dir = System.getenv().getOrDefault("HOTCLONE_DATA_DIR", DevStack.defaultDataDir().toString());
    DevStack stack = DevStack.start(settings(Path.of(dir), args), args);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "devstack-stop"));
    int port = stack.apiPort();
    StringBuilder creds = new StringBuilder();
    stack.credentials().forEach((k, v) -> creds.append("  ").append(k).append('=').append(v).append('\n'));
    System.out.printf(
        "%n=== HotClone devstack is ready ===%n"
            + "clone-api  http://localhost:%1$d  (OpenAPI: /v3/api-docs)%n"
            + "Portal     http://localhost:%1$d/portal/  (paste an API key or token below)%n"
            + "Kafka      %2$s   PostgreSQL %3$s%n"
            + "Credentials (also in %4$s; tokens valid 12 h, mint more with MintToken, see README):%n%5$s"
            + "Try:%n"
            + "  set -a; . %4$s; set +a%n"
            + "  curl -s localhost:%1$d/api/v1/vms -H \"X-API-Key: $HOTCLONE_KEY_TENANT_A\"%n"
            + "  curl -si -X POST localhost:%1$d/api/v1/clones -H \"X-API-Key: $HOTCLONE_KEY_TENANT_A\" \\%n"
            + "       -H 'Content-Type: application/json' -d '{\"sourceVm\":\"demo-1\",\"targetHost\":\"host-b\",\"count\":1}'%n"
            + "  curl -s localhost:%1$d/api/v1/clones/<id> -H \"Authorization: Bearer $HOTCLONE_TOKEN_TENANT_A\"%n"
            + "Stop with Ctrl-C.%n",
        port, stack.kafkaBootstrapServers(), stack.jdbcUrl(), stack.credentialsFile().toAbsolutePath(), creds);
    stopped.await();
  }
}
