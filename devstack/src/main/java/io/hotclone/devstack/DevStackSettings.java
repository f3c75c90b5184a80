package io.hotclone.devstack;

import io.hotclone.support.hypervisor.HypervisorProperties;
import java.nio.file.Path;
import java.util.Map;

/**
 * How devstack starts: PostgreSQL's, Kafka's (client) and the API's ports (0 = any free port), the
 * data directory (PostgreSQL data, Kafka's log and embedded storage live under it), the
 * hypervisor, whether to create the demo VM, and extra properties for every service.
 */
public record DevStackSettings(
    int postgresPort,
    int kafkaPort,
    int apiPort,
    Path dataDir,
    HypervisorProperties hypervisor,
    boolean demoVm,
    Map<String, Object> extraProperties) {

  /**
   * Fixed ports and a kept data directory: what the README's first command starts. Webhooks may go
   * to 127.0.0.1 (a receiver on the developer's machine) besides public addresses; a production
   * deployment allows no loopback unless its operator lists it.
   */
  public static DevStackSettings interactive(Path dataDir) {
    return new DevStackSettings(15432, 19092, 8080, dataDir, embedded(dataDir), true,
        Map.of("hotclone.webhooks.allowed-destinations", "127.0.0.1/32"));
  }

  /**
   * Free ports and a throw-away data directory, for tests: the embedded hypervisor records digests
   * of every cut so tests can prove I1.
   */
  public static DevStackSettings forTests(Path dataDir, Map<String, Object> extra) {
    HypervisorProperties hv = embedded(dataDir);
    hv.setRecordCutDigests(true);
    return new DevStackSettings(0, 0, 0, dataDir, hv, true, extra);
  }

  /** Like {@link #forTests} but without cut digests: what a benchmark measures. */
  public static DevStackSettings forBenchmarks(Path dataDir) {
    return new DevStackSettings(0, 0, 0, dataDir, embedded(dataDir), true, Map.of());
  }

  /** The same ports and data directory with another hypervisor; {@code demoVm}: create demo-1. */
  public DevStackSettings withDriver(HypervisorProperties other, boolean demo) {
    return new DevStackSettings(postgresPort, kafkaPort, apiPort, dataDir, other, demo, extraProperties);
  }

  /** Free ports and a throw-away data directory, driving libvirt hosts instead of the embedded driver. */
  public static DevStackSettings withHypervisor(Path dataDir, HypervisorProperties hypervisor, Map<String, Object> extra) {
    return new DevStackSettings(0, 0, 0, dataDir, hypervisor, false, extra);
  }

  static HypervisorProperties embedded(Path dataDir) {
    HypervisorProperties p = new HypervisorProperties();
    p.setDriver("embedded");
    p.setStorageDir(dataDir.resolve("storage"));
    p.getHosts().put("host-a", "embedded://host-a");
    p.getHosts().put("host-b", "embedded://host-b");
    return p;
  }
}
