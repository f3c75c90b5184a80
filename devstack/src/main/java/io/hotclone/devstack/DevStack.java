package io.hotclone.devstack;

import io.hotclone.api.CloneApiApplication;
import io.hotclone.api.security.DevCredentials;
import io.hotclone.config.ConfigServiceApplication;
import io.hotclone.hypervisor.HostName;
import io.hotclone.hypervisor.Hypervisor;
import io.hotclone.hypervisor.VmInfo;
import io.hotclone.hypervisor.VmSpec;
import io.hotclone.hypervisor.VmState;
import io.hotclone.memory.MemoryServiceApplication;
import io.hotclone.storage.StorageServiceApplication;
import io.hotclone.support.app.ServiceDefaults;
import io.hotclone.support.hypervisor.HypervisorConfiguration.HypervisorFactory;
import io.hotclone.support.hypervisor.HypervisorProperties;
import io.hotclone.transfer.TransferServiceApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Starts the suite in one JVM: PostgreSQL, Kafka, the shared hypervisor (in a parent context every
 * service sees) and the five services as child contexts. {@link #close()} stops them in reverse.
 */
public final class DevStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DevStack.class);

  /** The development tenants devstack starts with. */
  public static final List<String> DEV_TENANTS = List.of("tenant-a", "tenant-b");

  private final Infrastructure infra;
  private final Hypervisor hypervisor;
  private final GenericApplicationContext parent;
  private final List<ConfigurableApplicationContext> services;

  private final Path credentialsFile;

  /** Whether {@link #close()} closes the hypervisor (false: the hosts were given and outlive the stack). */
  private final boolean ownsHypervisor;

  private DevStack(
      Path credentialsFile,
      Infrastructure infra,
      Hypervisor hypervisor,
      boolean ownsHypervisor,
      GenericApplicationContext parent,
      List<ConfigurableApplicationContext> services) {
    this.credentialsFile = credentialsFile;
    this.ownsHypervisor = ownsHypervisor;
    this.infra = infra;
    this.hypervisor = hypervisor;
    this.parent = parent;
    this.services = services;
  }

  /**
   * A PostgreSQL server (database {@code postgres}, user and password {@code postgres}) and a Kafka
   * broker the stack uses; {@code resources} are closed after the services, in order.
   */
  public record Infrastructure(String jdbcUrl, String kafkaBootstrapServers, List<AutoCloseable> resources) {}

  /** Starts everything; {@code args} (e.g. {@code --hotclone.api.operation-timeout=20s}) reach every service. */
  public static DevStack start(DevStackSettings settings, String... args) {
    return start(settings, (Hypervisor) null, args);
  }

  /**
   * Starts PostgreSQL, Kafka and the services like {@link #start(DevStackSettings, String...)}, but
   * on {@code hosts} (null: the settings' hypervisor, made here): hosts given stand for machines
   * outside HotClone's processes, so {@link #close()} leaves them and their VMs running, and a later
   * stack on the same data directory finds them as a restarted suite would.
   */
  public static DevStack start(DevStackSettings settings, Hypervisor hosts, String... args) {
    long t0 = System.nanoTime();
    LocalPostgres postgres = LocalPostgres.start(settings.postgresPort(), settings.dataDir().resolve("postgres"));
    LocalKafka kafka;
    try {
      kafka = LocalKafka.start(settings.kafkaPort(), settings.dataDir().resolve("kafka"));
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
    log.info("PostgreSQL at {} and Kafka at {} up in {} ms", postgres.jdbcUrl(), kafka.bootstrapServers(),
        (System.nanoTime() - t0) / 1_000_000);
    return start(settings, new Infrastructure(postgres.jdbcUrl(), kafka.bootstrapServers(), List.of(kafka, postgres)), hosts, t0,
        args);
  }

  /**
   * Starts the hypervisor and the services on Kafka and PostgreSQL started elsewhere (tests: in
   * containers); the ports of {@code settings} other than the API's are not used.
   */
  public static DevStack start(DevStackSettings settings, Infrastructure infra, String... args) {
    return start(settings, infra, null, System.nanoTime(), args);
  }

  private static DevStack start(DevStackSettings settings, Infrastructure infra, Hypervisor hosts, long t0, String... args) {

    HypervisorProperties hv = settings.hypervisor();
    boolean owns = hosts == null;
    Hypervisor hypervisor = owns ? HypervisorFactory.create(hv) : hosts;
    if (settings.demoVm()) {
      ensureDemoVm(hypervisor);
    }
    GenericApplicationContext parent = new GenericApplicationContext();
    parent.getBeanFactory().registerSingleton("hypervisor", hypervisor);
    parent.refresh();

    Map<String, Object> shared = new LinkedHashMap<>();
    shared.put("hotclone.kafka.bootstrap-servers", infra.kafkaBootstrapServers());
    shared.put("hotclone.db.url", infra.jdbcUrl());
    shared.put("hotclone.db.username", "postgres");
    shared.put("hotclone.db.password", "postgres");
    shared.put("hotclone.hypervisor.driver", hv.getDriver());
    // clone-api: development credentials (two tenants, an admin key, a token issuer) under the data
    // directory; VMs found on the hypervisor (demo-1) belong to the first tenant
    shared.put("hotclone.security.dev-dir", credentialsDir(settings.dataDir()).toAbsolutePath().toString());
    shared.put("hotclone.security.dev-tenants", String.join(",", DEV_TENANTS));
    shared.put("hotclone.security.discovered-vm-tenant", DEV_TENANTS.get(0));
    // one logging system for the JVM: structured (JSON) lines name the process, not whichever
    // service configured logging first
    shared.put("logging.structured.ecs.service.name", "devstack");
    shared.putAll(settings.extraProperties());

    List<ConfigurableApplicationContext> services = new ArrayList<>();
    try {
      services.add(run(parent, StorageServiceApplication.class, StorageServiceApplication.NAME,
          StorageServiceApplication.SCHEMA, shared, false, args));
      services.add(run(parent, MemoryServiceApplication.class, MemoryServiceApplication.NAME,
          MemoryServiceApplication.SCHEMA, shared, false, args));
      services.add(run(parent, TransferServiceApplication.class, TransferServiceApplication.NAME,
          TransferServiceApplication.SCHEMA, shared, false, args));
      services.add(run(parent, ConfigServiceApplication.class, ConfigServiceApplication.NAME,
          ConfigServiceApplication.SCHEMA, shared, false, args));
      // the API's port: the settings' unless the command line names one
      String[] apiArgs = args;
      if (Arrays.stream(args).noneMatch(a -> a.startsWith("--server.port="))) {
        apiArgs = Arrays.copyOf(args, args.length + 1);
        apiArgs[args.length] = "--server.port=" + settings.apiPort();
      }
      services.add(run(parent, CloneApiApplication.class, "clone-api", "api", shared, true, apiArgs));
    } catch (RuntimeException e) {
      DevStack partial = new DevStack(credentialsDir(settings.dataDir()).resolve(DevCredentials.FILE), infra, hypervisor, owns, parent, services);
      partial.close();
      throw e;
    }
    log.info("devstack up in {} ms", (System.nanoTime() - t0) / 1_000_000);
    return new DevStack(credentialsDir(settings.dataDir()).resolve(DevCredentials.FILE), infra, hypervisor, owns, parent, services);
  }

  private static ConfigurableApplicationContext run(
      GenericApplicationContext parent,
      Class<?> app,
      String name,
      String schema,
      Map<String, Object> shared,
      boolean web,
      String... args) {
    SpringApplicationBuilder builder =
        ServiceDefaults.builder(app, name, schema)
            .parent(parent)
            .properties(shared)
            .web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
            .bannerMode(org.springframework.boot.Banner.Mode.OFF)
            .registerShutdownHook(false);
    return builder.run(args);
  }

  /**
   * The demo VM {@code demo-1} on {@code host-a}, created unless one runs already: 64 MiB of
   * memory on the embedded hypervisor, the 128 MiB agent guest on libvirt.
   */
  static VmInfo ensureDemoVm(Hypervisor hypervisor) {
    HostName hostA = new HostName("host-a");
    boolean libvirt = "libvirt".equals(hypervisor.driverName());
    return hypervisor.vms(hostA).stream()
        .filter(vm -> "demo-1".equals(vm.identity().name()) && vm.state() == VmState.RUNNING)
        .findFirst()
        .orElseGet(() -> hypervisor.createVm(libvirt
            ? new VmSpec(hostA, "demo-1", 128L << 20, 64L << 20, VmSpec.AGENT_IMAGE)
            : new VmSpec(hostA, "demo-1", 64L << 20, 256L << 20)));
  }

  public Hypervisor hypervisor() {
    return hypervisor;
  }

  public String kafkaBootstrapServers() {
    return infra.kafkaBootstrapServers();
  }

  public String jdbcUrl() {
    return infra.jdbcUrl();
  }

  /** The service contexts in start order: storage, memory, transfer, config, clone-api. */
  public List<ConfigurableApplicationContext> services() {
    return Collections.unmodifiableList(services);
  }

  /** Where the development credentials live: {@code <data dir>/credentials}. */
  public static Path credentialsDir(Path dataDir) {
    return dataDir.resolve("credentials");
  }

  /** The file of development credentials ({@code HOTCLONE_KEY_TENANT_A=…}, …), owner-only. */
  public Path credentialsFile() {
    return credentialsFile;
  }

  /** The variables of {@link #credentialsFile()}: API keys and tokens of the development tenants. */
  public Map<String, String> credentials() {
    try {
      return DevCredentials.read(credentialsFile);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The development API key of {@code tenant} ({@link DevCredentials#ADMIN} for the admin key). */
  public String apiKey(String tenant) {
    return credentials().get(DevCredentials.keyVar(tenant));
  }

  /** The port clone-api listens on. */
  public int apiPort() {
    return Integer.parseInt(services.get(services.size() - 1).getEnvironment().getProperty("local.server.port"));
  }

  @Override
  public void close() {
    List<ConfigurableApplicationContext> reversed = new ArrayList<>(services);
    Collections.reverse(reversed);
    for (ConfigurableApplicationContext ctx : reversed) {
      quietly(ctx::close);
    }
    quietly(parent::close);
    if (ownsHypervisor) {
      quietly(hypervisor::close);
    }
    for (AutoCloseable resource : infra.resources()) {
      quietly(() -> {
        try {
          resource.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }
  }

  private static void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("while stopping devstack: {}", e.toString());
    }
  }

  /** Where devstack keeps its data by default. */
  static Path defaultDataDir() {
    return Path.of(".devstack");
  }
}
